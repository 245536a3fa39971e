/* Lower layer calling up into hi/: a layer violation. */
int fx_top(void);
int fx_up(void);

int fx_up(void)
{
    return fx_top();
}
