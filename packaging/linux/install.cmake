# What a Linux desktop needs besides the two programs: the desktop entry, AppStream
# metadata, icons in the hicolor theme, manual pages and a systemd user unit.
# Every file is named after the application id, so software centres, the desktop
# entry and the icon theme all find each other.

set(_linux_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_linux_build_dir "${CMAKE_BINARY_DIR}/packaging/linux")

if(TARGET discodesk)
    install(FILES "${_linux_dir}/${DISCODESK_APP_ID}.desktop"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
    install(FILES "${_linux_dir}/${DISCODESK_APP_ID}.metainfo.xml"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")

    # The scalable icon, and each PNG size drawn in resources/icons/app/.
    install(FILES "${PROJECT_SOURCE_DIR}/resources/discodesk.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps"
        RENAME "${DISCODESK_APP_ID}.svg")
    foreach(size IN ITEMS 16 24 32 48 64 128 256)
        install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/app/discodesk-${size}.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps"
            RENAME "${DISCODESK_APP_ID}.png")
    endforeach()
endif()

# The systemd user unit names the installed program by its full path, so it is made
# from the install prefix. CPack packages use the same prefix (see Packaging.cmake).
# lib/systemd/user rather than CMAKE_INSTALL_LIBDIR: systemd looks there, not in a
# multiarch folder.
configure_file("${_linux_dir}/discodesk-server.service.in"
    "${_linux_build_dir}/discodesk-server.service" @ONLY)
install(FILES "${_linux_build_dir}/discodesk-server.service"
    DESTINATION "lib/systemd/user")

# Manual pages and the changelog, compressed as Debian policy asks. gzip -n leaves
# the name and time out, so the package is the same from one build to the next.
find_program(DISCODESK_GZIP gzip)
set(_compressed "")
function(_discodesk_compress source output_variable)
    get_filename_component(name "${source}" NAME)
    if(NOT DISCODESK_GZIP)
        set(${output_variable} "${source}" PARENT_SCOPE)
        return()
    endif()
    add_custom_command(
        OUTPUT "${_linux_build_dir}/${name}.gz"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${_linux_build_dir}/gz"
        COMMAND "${CMAKE_COMMAND}" -E copy "${source}" "${_linux_build_dir}/gz/${name}"
        COMMAND "${DISCODESK_GZIP}" -9 -n -f "${_linux_build_dir}/gz/${name}"
        COMMAND "${CMAKE_COMMAND}" -E rename "${_linux_build_dir}/gz/${name}.gz" "${_linux_build_dir}/${name}.gz"
        DEPENDS "${source}"
        COMMENT "Compressing ${name}"
        VERBATIM)
    set(${output_variable} "${_linux_build_dir}/${name}.gz" PARENT_SCOPE)
endfunction()

_discodesk_compress("${_linux_dir}/discodesk-server.1" _man_server)
install(FILES "${_man_server}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
list(APPEND _compressed "${_man_server}")
if(TARGET discodesk)
    _discodesk_compress("${_linux_dir}/discodesk.1" _man_window)
    install(FILES "${_man_window}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
    list(APPEND _compressed "${_man_window}")
endif()

# The changelog, in Debian's format (the .deb is a native package, so Debian
# looks for changelog.gz). Add an entry for each release.
configure_file("${_linux_dir}/changelog.in" "${_linux_build_dir}/changelog" @ONLY)
_discodesk_compress("${_linux_build_dir}/changelog" _changelog)
install(FILES "${_changelog}" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/discodesk")
list(APPEND _compressed "${_changelog}")

# The licence, in Debian's machine-readable format, where Debian looks for it (never
# compressed). The tarball and the RPM carry the same file.
install(FILES "${_linux_dir}/copyright" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/discodesk")

add_custom_target(discodesk_compressed_docs ALL DEPENDS ${_compressed})
