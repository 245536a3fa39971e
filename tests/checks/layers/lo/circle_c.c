/* circle_a.c -> circle_b.c -> circle_c.c -> circle_a.c: a 3-object cycle. */
int fx_circle_a(int n);
int fx_circle_c(int n);

int fx_circle_c(int n)
{
    return n > 0 ? fx_circle_a(n - 1) : 0;
}
