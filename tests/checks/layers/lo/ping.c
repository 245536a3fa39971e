/* ping.c and pong.c call each other: a cycle inside one folder. */
int fx_pong(int n);
int fx_ping(int n);

int fx_ping(int n)
{
    return n > 0 ? fx_pong(n - 1) : 0;
}
