# Install rules: public headers, libocpp.a (and libocpp_posix.a with its headers
# when the POSIX port is built), the CMake package `ocpp` (targets ocpp::ocpp and
# ocpp::ocpp_posix) and ocpp.pc for pkg-config.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(OCPP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ocpp CACHE STRING
    "Where ocppConfig.cmake is installed, relative to the prefix")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ocpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(TARGETS ocpp EXPORT ocppTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(OCPP_PACKAGE_HAS_POSIX OFF)
if(OCPP_HAVE_PORT_POSIX AND TARGET ocpp_posix)
  # The port's exported include directories must use $<BUILD_INTERFACE:...>
  # (install(EXPORT) rejects source-tree paths); only then is it installed.
  get_target_property(_ocpp_posix_inc ocpp_posix INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT _ocpp_posix_inc OR _ocpp_posix_inc MATCHES "BUILD_INTERFACE")
    set(OCPP_PACKAGE_HAS_POSIX ON)
    install(TARGETS ocpp_posix EXPORT ocppTargets
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
            INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    if(EXISTS ${PROJECT_SOURCE_DIR}/ports/posix/include)
      install(DIRECTORY ${PROJECT_SOURCE_DIR}/ports/posix/include/
              DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
              FILES_MATCHING PATTERN "*.h")
    endif()
  else()
    message(WARNING "ocpp_posix is not installed: its INTERFACE_INCLUDE_DIRECTORIES "
                    "(${_ocpp_posix_inc}) lack $<BUILD_INTERFACE:...>")
  endif()
endif()

install(EXPORT ocppTargets NAMESPACE ocpp:: FILE ocppTargets.cmake
        DESTINATION ${OCPP_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ocppConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ocppConfig.cmake
  INSTALL_DESTINATION ${OCPP_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ocppConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ocppConfig.cmake ${PROJECT_BINARY_DIR}/ocppConfigVersion.cmake
        DESTINATION ${OCPP_INSTALL_CMAKEDIR})

# pkg-config: the same public definitions as the CMake target.
set(OCPP_PC_CFLAGS "")
foreach(d ${OCPP_PUBLIC_DEFINITIONS})
  string(APPEND OCPP_PC_CFLAGS " -D${d}")
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/ocpp.pc.in ${PROJECT_BINARY_DIR}/ocpp.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ocpp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
