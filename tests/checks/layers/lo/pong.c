/* ping.c and pong.c call each other: a cycle inside one folder. */
int fx_ping(int n);
int fx_pong(int n);

int fx_pong(int n)
{
    return n > 0 ? fx_ping(n - 1) : 1;
}
