/* Must fail check_nm: an external function without the ocpp_ prefix. */
int parse_thing(int x);

int parse_thing(int x)
{
    return x + 1;
}
