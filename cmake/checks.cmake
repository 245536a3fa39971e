# Quality gates and build tests, registered with ctest (label "checks").
# The checkers are shell scripts in scripts/ (bash + coreutils + binutils).
option(OCPP_QUALITY_GATES "Register the check.* and build.* tests" ON)
if(NOT OCPP_QUALITY_GATES)
  return()
endif()

set(_ocpp_scripts ${PROJECT_SOURCE_DIR}/scripts)

# No heap, no unprefixed externals, no writable data in the core objects.
add_test(NAME check.nm COMMAND ${_ocpp_scripts}/check_nm.sh $<TARGET_FILE:ocpp>)
# The checker must catch what it claims to catch.
add_test(NAME check.nm.selftest COMMAND ${_ocpp_scripts}/check_nm_selftest.sh ${CMAKE_C_COMPILER})
# Calls between the src/ folders go down the layers of src/layers.txt only, no
# cycles between objects; and the self-test of that checker.
if(CMAKE_NM)
  set(_ocpp_nm ${CMAKE_NM})
else()
  set(_ocpp_nm nm)
endif()
add_test(NAME check.layers
  COMMAND ${_ocpp_scripts}/check_layers.sh --nm ${_ocpp_nm} ${PROJECT_SOURCE_DIR}/src/layers.txt
          $<TARGET_OBJECTS:ocpp>
  COMMAND_EXPAND_LISTS)
add_test(NAME check.layers.selftest COMMAND ${_ocpp_scripts}/check_layers_selftest.sh ${CMAKE_C_COMPILER})
set_tests_properties(check.layers check.layers.selftest PROPERTIES LABELS checks TIMEOUT 300)
set_tests_properties(check.layers.selftest PROPERTIES ENVIRONMENT NM=${_ocpp_nm})
add_test(NAME check.format COMMAND ${_ocpp_scripts}/check_format.sh ${PROJECT_SOURCE_DIR})
add_test(NAME check.cppcheck COMMAND ${_ocpp_scripts}/check_cppcheck.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(check.nm check.nm.selftest check.format check.cppcheck
  PROPERTIES LABELS checks TIMEOUT 300)

# clang-tidy (.clang-tidy) over the finished directories listed in
# scripts/check_tidy.sh, with this build's compile_commands.json.
find_program(OCPP_CLANG_TIDY clang-tidy)
if(OCPP_CLANG_TIDY)
  add_test(NAME check.tidy COMMAND ${_ocpp_scripts}/check_tidy.sh ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
  # COST: the longest test, started first (see tests/integration/CMakeLists.txt).
  set_tests_properties(check.tidy PROPERTIES LABELS checks TIMEOUT 600 COST 150
    ENVIRONMENT CLANG_TIDY=${OCPP_CLANG_TIDY})
endif()

# A consumer program built against an installed prefix (find_package and
# pkg-config) and against the source tree (add_subdirectory).
add_test(NAME build.consumer
  COMMAND ${PROJECT_SOURCE_DIR}/tests/build/consumer_test.sh
          ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/build-consumer ${CMAKE_C_COMPILER}
          ${OCPP_HAVE_PORT_POSIX})
# Serial: it compiles the library three times; keep it from slowing timing-sensitive tests.
set_tests_properties(build.consumer PROPERTIES LABELS checks TIMEOUT 600 RUN_SERIAL TRUE)
