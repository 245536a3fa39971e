/* Must fail check_nm: a file-scope mutable static (zero-initialised, .bss). */
int ocpp_selftest_bad_static(void);

static int counter;

int ocpp_selftest_bad_static(void)
{
    return ++counter;
}
