# Xtensa LX106 (ESP8266), xtensa-lx106-elf-gcc + picolibc.
# Debian: gcc-xtensa-lx106 picolibc-xtensa-lx106-elf. The compiler does not find
# picolibc.specs by itself, so it is named by its path. picolibc's default
# linker script places literal pools after the code, which the LX106 `l32r`
# cannot reach; firmware links use bench/size/xtensa-lx106.ld instead.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR xtensa)
set(OCPP_CROSS_PREFIX xtensa-lx106-elf-)
find_file(OCPP_PICOLIBC_SPECS picolibc.specs
  PATHS /usr/lib/xtensa-lx106-elf /usr/lib/picolibc/xtensa-lx106-elf NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
if(NOT OCPP_PICOLIBC_SPECS)
  message(FATAL_ERROR "picolibc.specs for xtensa-lx106-elf not found (apt-get install picolibc-xtensa-lx106-elf)")
endif()
set(OCPP_CROSS_ARCH_FLAGS "-mlongcalls")
set(OCPP_CROSS_LIBC_FLAGS "--specs=${OCPP_PICOLIBC_SPECS}")
set(OCPP_CROSS_LINK_FLAGS "")
set(OCPP_CROSS_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../../bench/size/xtensa-lx106.ld)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
