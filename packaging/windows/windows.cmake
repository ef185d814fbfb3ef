# Windows: an NSIS installer (and a ZIP) with a Start-menu entry and an uninstaller.
# Qt's DLLs and plugins are copied next to the programs by windeployqt (deploy.cmake).
#
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
#   cmake --build build --config Release
#   cd build && cpack -G NSIS -C Release

set(_windows_dir "${CMAKE_CURRENT_LIST_DIR}")

set(CPACK_NSIS_PACKAGE_NAME "DiscoDesk")
set(CPACK_NSIS_DISPLAY_NAME "DiscoDesk ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${_windows_dir}/discodesk.ico")
set(CPACK_NSIS_MUI_UNIICON "${_windows_dir}/discodesk.ico")
# The icon "Apps & features" shows, taken from the installed program.
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\discodesk.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_HELP_LINK "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_CONTACT "${DISCODESK_PACKAGE_MAINTAINER}")
# Installing over an older version first runs that version's uninstaller.
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# Per-machine install under Program Files; the uninstaller is always written
# (Uninstall.exe, listed in "Apps & features" and in the Start-menu folder).
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
set(CPACK_NSIS_UNINSTALL_NAME "Uninstall")
# The Start-menu entry comes from CPACK_PACKAGE_EXECUTABLES (Packaging.cmake), which
# points at bin\discodesk.exe; the finish page offers to start it.
set(CPACK_NSIS_EXECUTABLES_DIRECTORY "bin")
if(TARGET discodesk)
    set(CPACK_NSIS_MUI_FINISHPAGE_RUN "discodesk.exe")
endif()
set(CPACK_NSIS_MODIFY_PATH OFF)
