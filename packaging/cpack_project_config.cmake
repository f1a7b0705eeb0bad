# CPACK_PROJECT_CONFIG_FILE of cmake/bioxenCPack.cmake: read by cpack once per generator.
# A .deb needs a Maintainer; without BIOXEN_PACKAGE_CONTACT `cpack -G DEB` stops here with
# the option to set instead of building packages with no Maintainer field.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_BIOXEN_DEB_ENABLED)
  message(FATAL_ERROR
    "bioxen: the .deb packages need their Maintainer: configure the build with "
    "-DBIOXEN_PACKAGE_CONTACT='Name <address>'")
endif()
