# Test helpers. Two kinds of tests, told apart by ctest labels:
#   unit - no external process, run anywhere (`ctest -L unit`)
#   pg   - need the PostgreSQL that the `pg` fixture starts (`ctest -L pg`)
# `ctest` alone starts a throwaway PostgreSQL (fixture test pg.start), runs
# everything against it and stops it (pg.stop), even when tests fail.

set(KIOSK_TEST_PG_STATE ${CMAKE_BINARY_DIR}/test-pg CACHE INTERNAL "")

function(kiosk_add_pg_fixture)
  add_test(NAME pg.start
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/pgctl.sh test-start ${KIOSK_TEST_PG_STATE})
  add_test(NAME pg.stop
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/pgctl.sh test-stop ${KIOSK_TEST_PG_STATE})
  set_tests_properties(pg.start PROPERTIES FIXTURES_SETUP pg LABELS pg)
  set_tests_properties(pg.stop PROPERTIES FIXTURES_CLEANUP pg LABELS pg)
endfunction()

# kiosk_add_unit_test(<target> SOURCES ... LIBS ...)
function(kiosk_add_unit_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit TIMEOUT 120)
endfunction()

# kiosk_add_pg_test(<target> SOURCES ... LIBS ...): tests that need PostgreSQL.
function(kiosk_add_pg_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} kiosk_testing GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST PROPERTIES
    LABELS pg TIMEOUT 300 FIXTURES_REQUIRED pg
    ENVIRONMENT "KIOSK_TEST_PG_STATE=${KIOSK_TEST_PG_STATE}")
endfunction()
