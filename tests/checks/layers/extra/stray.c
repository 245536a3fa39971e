/* In a folder that the layers file does not declare. */
int fx_stray(void);

int fx_stray(void)
{
    return 2;
}
