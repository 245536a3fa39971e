/* Declared on the same line as lo/ (same layer), calls lo/: a violation. */
int fx_base(void);
int fx_peer(void);

int fx_peer(void)
{
    return fx_base();
}
