/* Must fail check_nm: a function-scope mutable static (initialised, .data). */
int ocpp_selftest_bad_static_local(void);

int ocpp_selftest_bad_static_local(void)
{
    static int calls = 5;
    return ++calls;
}
