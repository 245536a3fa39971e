# Cortex-M0+ (ARMv6-M, no FPU, no hardware divide), arm-none-eabi-gcc + newlib-nano.
# Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(OCPP_CROSS_PREFIX arm-none-eabi-)
set(OCPP_CROSS_ARCH_FLAGS "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft")
set(OCPP_CROSS_LIBC_FLAGS "--specs=nano.specs")
set(OCPP_CROSS_LINK_FLAGS "--specs=nosys.specs")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
