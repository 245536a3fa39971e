# Cortex-M4F (hard float, FPv4-SP), arm-none-eabi-gcc + newlib-nano.
# Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(OCPP_CROSS_PREFIX arm-none-eabi-)
set(OCPP_CROSS_ARCH_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(OCPP_CROSS_LIBC_FLAGS "--specs=nano.specs")
# Link-only: no OS below newlib (stub syscalls), enough for the size firmware.
set(OCPP_CROSS_LINK_FLAGS "--specs=nosys.specs")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
