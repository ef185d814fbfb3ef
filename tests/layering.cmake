# The layers as docs/architecture.md draws them, checked on the sources:
#   - the window (ui/) and the HTTP layer (server/http/) reach the data only through
#     server/service: no store header, no Qt SQL;
#   - server/ never depends on Widgets;
#   - cluster/ (the local clusters' processes) is Qt Core and Network only: no
#     Widgets or Gui, and nothing of the server (it only starts programs).
# Run by CTest: cmake -DSOURCE=<project root> -P layering.cmake
file(GLOB_RECURSE fronts ${SOURCE}/ui/*.h ${SOURCE}/ui/*.cpp ${SOURCE}/server/http/*.h ${SOURCE}/server/http/*.cpp)
file(GLOB_RECURSE server ${SOURCE}/server/*.h ${SOURCE}/server/*.cpp)
file(GLOB_RECURSE cluster ${SOURCE}/cluster/*.h ${SOURCE}/cluster/*.cpp)
set(offences "")
foreach(path IN LISTS fronts)
    file(STRINGS ${path} lines REGEX "^#include [\"<](store/|QSql)")
    foreach(line IN LISTS lines)
        list(APPEND offences "${path}: ${line} (go through service/DiscoveryService)")
    endforeach()
endforeach()
foreach(path IN LISTS server)
    file(STRINGS ${path} lines REGEX "^#include [\"<](QtWidgets|QWidget|QApplication|QMainWindow|QDialog)")
    foreach(line IN LISTS lines)
        list(APPEND offences "${path}: ${line} (server/ never uses Widgets)")
    endforeach()
endforeach()
foreach(path IN LISTS cluster)
    file(STRINGS ${path} lines REGEX "^#include [\"<](QtWidgets|QtGui|QWidget|QApplication|QGuiApplication|QDialog|QSql|QtSql|QHttp|QtHttpServer|core/|store/|service/|http/|DiscoveryServer|ServerThread|ServiceClient)")
    foreach(line IN LISTS lines)
        list(APPEND offences "${path}: ${line} (cluster/ is Qt Core and Network only)")
    endforeach()
endforeach()
if(offences)
    list(JOIN offences "\n" text)
    message(FATAL_ERROR "layering broken:\n${text}")
endif()
list(LENGTH fronts checked)
list(LENGTH cluster clusterFiles)
message(STATUS "layering: ${checked} window and HTTP files reach the data only through the service; "
               "${clusterFiles} cluster files use Qt Core and Network only")
