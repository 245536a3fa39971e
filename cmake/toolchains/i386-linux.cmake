# 32-bit x86 Linux (i386 ABI) with the host gcc and -m32 (Debian: gcc-multilib;
# the unit tests also need libcmocka-dev:i386). Used by `make test` for the
# 32-bit build in build-m32/.
#
# This is a cross build in CMake's sense (CMAKE_CROSSCOMPILING is true), so
# that CMAKE_CROSSCOMPILING_EMULATOR applies: on a machine whose kernel cannot
# execute 32-bit binaries, pass -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/qemu-i386
# (Debian qemu-user) and ctest runs every test executable under it. Leave it
# empty where the kernel runs them natively.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR i686)
find_program(CMAKE_C_COMPILER gcc REQUIRED)
# Large-file API (as 32-bit Linux distributions build): without it glibc's
# 32-bit readdir()/stat() fail with EOVERFLOW on 64-bit directory offsets and
# inode numbers, which ext4 hands to a 64-bit process such as qemu-i386.
set(CMAKE_C_FLAGS_INIT "-m32 -D_FILE_OFFSET_BITS=64")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
