# Shared part of the bare-metal toolchain files. Expects OCPP_CROSS_PREFIX,
# OCPP_CROSS_ARCH_FLAGS, OCPP_CROSS_LIBC_FLAGS (compile + link) and
# OCPP_CROSS_LINK_FLAGS (link only). Only the core library (and the size
# firmware in bench/size) is built for these targets.
find_program(CMAKE_C_COMPILER ${OCPP_CROSS_PREFIX}gcc REQUIRED)
find_program(CMAKE_AR ${OCPP_CROSS_PREFIX}ar REQUIRED)
find_program(CMAKE_RANLIB ${OCPP_CROSS_PREFIX}ranlib REQUIRED)
find_program(CMAKE_NM ${OCPP_CROSS_PREFIX}nm REQUIRED)
find_program(CMAKE_OBJDUMP ${OCPP_CROSS_PREFIX}objdump REQUIRED)
find_program(CMAKE_SIZE ${OCPP_CROSS_PREFIX}size)

# Nothing to run, so try_compile() builds a static library instead of an executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "${OCPP_CROSS_ARCH_FLAGS} ${OCPP_CROSS_LIBC_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os -DNDEBUG")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${OCPP_CROSS_LINK_FLAGS} -Wl,--gc-sections")
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "Build type")
endif()

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
