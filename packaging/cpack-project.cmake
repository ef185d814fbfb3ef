# Read by cpack once for each generator it runs, with CPACK_GENERATOR set to that one.
# Archives unpack anywhere, so they hold bin/, share/, ... without the /usr prefix
# that the Linux packages install under.
if(CPACK_GENERATOR MATCHES "^(TGZ|TXZ|ZIP)$")
    set(CPACK_PACKAGING_INSTALL_PREFIX "")
endif()
