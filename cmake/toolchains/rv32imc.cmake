# RISC-V RV32IMC (e.g. ESP32-C3, GD32VF103 class), riscv64-unknown-elf-gcc + picolibc.
# Debian: gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(OCPP_CROSS_PREFIX riscv64-unknown-elf-)
set(OCPP_CROSS_ARCH_FLAGS "-march=rv32imc -mabi=ilp32")
set(OCPP_CROSS_LIBC_FLAGS "--specs=picolibc.specs")
# picolibc.ld defaults to 64 KiB of flash (__flash_size); the size firmwares with every
# profile and the application are larger: give the (virtual) part 1 MiB.
set(OCPP_CROSS_LINK_FLAGS "-Wl,--defsym=__flash_size=0x100000")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
