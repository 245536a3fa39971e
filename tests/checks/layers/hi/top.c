/* Upper layer: calls down into lo/ (allowed). */
int fx_base(void);
int fx_top(void);

int fx_top(void)
{
    return fx_base() + 1;
}
