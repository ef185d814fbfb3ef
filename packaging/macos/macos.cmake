# macOS: discodesk.app with its Info.plist and icon, Qt copied into the bundle by
# macdeployqt (deploy.cmake), and a drag-and-drop disk image.
#
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
#   cmake --build build
#   cd build && cpack -G DragNDrop

set(_macos_dir "${CMAKE_CURRENT_LIST_DIR}")

if(TARGET discodesk)
    # discodesk.icns is made from resources/icons/app/ by packaging/make-icons.py.
    # The target lives in app/, and source file properties belong to a directory:
    # TARGET_DIRECTORY sets them where the target can see them.
    target_sources(discodesk PRIVATE "${_macos_dir}/discodesk.icns")
    set_source_files_properties("${_macos_dir}/discodesk.icns"
        TARGET_DIRECTORY discodesk
        PROPERTIES MACOSX_PACKAGE_LOCATION "Resources")
    set_target_properties(discodesk PROPERTIES
        MACOSX_BUNDLE_INFO_PLIST "${_macos_dir}/Info.plist.in"
        MACOSX_BUNDLE_GUI_IDENTIFIER "${DISCODESK_APP_ID}"
        MACOSX_BUNDLE_BUNDLE_NAME "DiscoDesk"
        MACOSX_BUNDLE_BUNDLE_VERSION "${PROJECT_VERSION}"
        MACOSX_BUNDLE_SHORT_VERSION_STRING "${PROJECT_VERSION}"
        MACOSX_BUNDLE_ICON_FILE "discodesk.icns")
endif()

set(CPACK_DMG_VOLUME_NAME "DiscoDesk")
set(CPACK_DMG_FORMAT "UDZO")

# The GPL asks for no agreement, so the image opens without a licence dialog
# (CMP0133's default, said here so that it stays so); LICENSE.txt is in it.
set(CPACK_DMG_SLA_USE_RESOURCE_FILE_LICENSE OFF)
