// The integration test binary's entry point (doctest); run it through run-integration.sh.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
