/* Lower layer: calls nothing. */
int fx_base(void);

int fx_base(void)
{
    return 1;
}
