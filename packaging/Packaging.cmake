# Installing and packaging DiscoDesk: one setup for every platform.
#
#   cmake --install build                 the install tree (GNUInstallDirs layout)
#   cpack --config build/CPackConfig.cmake -G DEB|RPM|TGZ|NSIS|ZIP|DragNDrop
#
# Included once, at the end of the top-level CMakeLists.txt, so that the targets of
# app/ exist. Linux files live in packaging/linux/, Windows in packaging/windows/,
# macOS in packaging/macos/.

include(GNUInstallDirs)

# The reverse-DNS application id: the desktop entry, AppStream id and icon name.
set(DISCODESK_APP_ID "io.github.discodesk.DiscoDesk")
# Who the packages name as their maintainer (Debian's Maintainer, the changelog).
set(DISCODESK_PACKAGE_MAINTAINER "DiscoDesk developers <discodesk@users.noreply.github.com>"
    CACHE STRING "Name <email> written into the packages as their maintainer")

if(UNIX AND NOT APPLE)
    include("${CMAKE_CURRENT_LIST_DIR}/linux/install.cmake")
elseif(WIN32)
    include("${CMAKE_CURRENT_LIST_DIR}/windows/windows.cmake")
elseif(APPLE)
    include("${CMAKE_CURRENT_LIST_DIR}/macos/macos.cmake")
endif()
if(WIN32 OR APPLE)
    # The GPL's text in the install folder and the ZIP (Windows), beside the
    # application in the disk image (macOS); the Linux packages have their DEP-5
    # copyright file (linux/install.cmake).
    install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "." RENAME "LICENSE.txt")
endif()
# windeployqt / macdeployqt, through Qt's deploy script.
include("${CMAKE_CURRENT_LIST_DIR}/deploy.cmake")

# The licence (SPDX), as the RPM and the AppStream metadata name it. Qt HTTP Server
# is under the GPL 3 only, and both programs link it; see LICENSE and README.
set(DISCODESK_LICENSE "GPL-3.0-or-later")

# ---- CPack: settings every generator shares -------------------------------------

set(CPACK_PACKAGE_NAME "discodesk")
set(CPACK_PACKAGE_VENDOR "The DiscoDesk developers")
set(CPACK_PACKAGE_CONTACT "${DISCODESK_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
# Debian's synopsis: under 80 characters, no leading article, no final full stop.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "local discovery service for rqlite and etcd clusters, with a window")
set(CPACK_PACKAGE_DESCRIPTION_FILE "${CMAKE_CURRENT_LIST_DIR}/description.txt")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "DiscoDesk")
# The GPL's text: the NSIS installer shows it, the disk image and archives carry it.
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
# Start-menu entry (NSIS) for the window: executable name, then the label.
if(TARGET discodesk)
    set(CPACK_PACKAGE_EXECUTABLES "discodesk" "DiscoDesk")
endif()
# Packages ship stripped programs (Debian and lintian insist, and they are smaller).
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")
if(UNIX AND NOT APPLE)
    # Linux packages install at the configured prefix, so the paths written into the
    # files (the systemd unit's ExecStart) are where the package puts them. Configure
    # distribution packages with -DCMAKE_INSTALL_PREFIX=/usr.
    set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
    if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
        message(STATUS "DiscoDesk: DEB and RPM packages will install under ${CMAKE_INSTALL_PREFIX}; "
                       "configure with -DCMAKE_INSTALL_PREFIX=/usr for distribution packages")
    endif()
    set(CPACK_GENERATOR "TGZ;DEB")
    # rpmbuild is needed for RPM; on Debian it comes with the rpm package.
    find_program(DISCODESK_RPMBUILD rpmbuild)
    if(DISCODESK_RPMBUILD)
        list(APPEND CPACK_GENERATOR "RPM")
    endif()
elseif(WIN32)
    set(CPACK_GENERATOR "NSIS;ZIP")
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
endif()

# ---- DEB ---------------------------------------------------------------------------

set(CPACK_DEBIAN_PACKAGE_NAME "discodesk")
# A native package (no Debian revision): upstream builds it, so its version is the
# project's and its changelog is /usr/share/doc/discodesk/changelog.gz.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)           # discodesk_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DISCODESK_PACKAGE_MAINTAINER}")
# dpkg-shlibdeps (dpkg-dev) turns the programs' linked libraries into Depends.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Plugins are loaded at run time, so dpkg-shlibdeps cannot see them:
#  - libqt6sql6-sqlite: Qt's SQLite driver; without it no database opens;
#  - libqt6sql6-psql: Qt's PostgreSQL driver, for --db postgresql://...;
#  - libqt6svg6: the SVG image and icon plugins that draw the window's icons.
# The X11 platform plugin (libqxcb.so) is part of libqt6gui6, which the scan finds.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, libqt6svg6")
# Qt picks Wayland when this is installed, else it runs through XWayland.
# etcd-server and etcd-client: Start Local Cluster runs etcd, and its log names etcdctl.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland, etcd-server, etcd-client")
# Control files with the modes dpkg and lintian expect.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# ---- RPM ---------------------------------------------------------------------------

set(CPACK_RPM_PACKAGE_NAME "discodesk")
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)              # discodesk-0.1.0-1.x86_64.rpm
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_LICENSE "${DISCODESK_LICENSE}")
# rpm's own scan finds the linked libraries; the plugins are named by hand, with
# Fedora's package names (qt6-qtbase carries the SQLite driver there,
# qt6-qtbase-postgresql the PostgreSQL one).
set(CPACK_RPM_PACKAGE_REQUIRES "qt6-qtbase, qt6-qtbase-postgresql, qt6-qtsvg")
# These folders belong to the distribution's filesystem packages, not to DiscoDesk.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    "${CMAKE_INSTALL_PREFIX}/lib/systemd"
    "${CMAKE_INSTALL_PREFIX}/lib/systemd/user"
    "${CMAKE_INSTALL_FULL_DATADIR}/applications"
    "${CMAKE_INSTALL_FULL_DATADIR}/metainfo"
    "${CMAKE_INSTALL_FULL_DATADIR}/icons"
    "${CMAKE_INSTALL_FULL_DATADIR}/icons/hicolor"
    "${CMAKE_INSTALL_FULL_DATADIR}/icons/hicolor/scalable"
    "${CMAKE_INSTALL_FULL_DATADIR}/icons/hicolor/scalable/apps"
    "${CMAKE_INSTALL_FULL_MANDIR}"
    "${CMAKE_INSTALL_FULL_MANDIR}/man1")
foreach(size IN ITEMS 16 24 32 48 64 128 256)
    list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
        "${CMAKE_INSTALL_FULL_DATADIR}/icons/hicolor/${size}x${size}"
        "${CMAKE_INSTALL_FULL_DATADIR}/icons/hicolor/${size}x${size}/apps")
endforeach()

# Settings that differ from one generator to the next.
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/cpack-project.cmake")

include(CPack)
