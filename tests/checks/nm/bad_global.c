/* Must fail check_nm: a prefixed but writable global. */
int ocpp_selftest_bad_global;
