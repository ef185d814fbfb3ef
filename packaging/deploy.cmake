# Copying Qt into the installed tree on Windows (windeployqt) and macOS (macdeployqt),
# through the deploy script Qt generates. Linux packages depend on the
# distribution's Qt instead, so nothing is copied there.
#
# qt_generate_deploy_app_script is a technology preview in Qt 6.4 and changed in 6.5:
# 6.4 takes FILENAME_VARIABLE and knows only Windows and macOS; 6.5 renamed it
# OUTPUT_SCRIPT (FILENAME_VARIABLE is deprecated) and added options such as
# NO_TRANSLATIONS. The script is generated on Linux too, where it is not installed,
# so that each signature is checked where Qt's own CMake can check it: the 6.4 one on
# Debian 12, the 6.5+ one (which the Windows and macOS builds, on Qt 6.8, use) on
# Debian 13 (scripts/test-debian13). NO_UNSUPPORTED_PLATFORM_ERROR lets 6.4 make a
# script that does nothing on Linux; on Windows and macOS it changes nothing.

# The window if it is built, else the headless server. On Windows both programs sit
# in bin/, so the Qt DLLs and plugins copied for the window serve the server too
# (it uses a subset of the same Qt modules, SQL driver included).
if(TARGET discodesk)
    set(_deploy_target discodesk)
elseif(APPLE)
    # Qt deploys only app bundles on macOS; the server is not one.
    message(STATUS "DiscoDesk: no Qt deployment for the headless server on macOS")
    return()
else()
    set(_deploy_target discodesk-server)
endif()

if(Qt6_VERSION VERSION_LESS 6.5)
    qt_generate_deploy_app_script(
        TARGET ${_deploy_target}
        FILENAME_VARIABLE _deploy_script
        NO_UNSUPPORTED_PLATFORM_ERROR)
else()
    qt_generate_deploy_app_script(
        TARGET ${_deploy_target}
        OUTPUT_SCRIPT _deploy_script
        NO_TRANSLATIONS
        NO_UNSUPPORTED_PLATFORM_ERROR)
endif()
if(WIN32 OR APPLE)
    install(SCRIPT "${_deploy_script}")
endif()
