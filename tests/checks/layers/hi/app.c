/* Upper layer: calls another object of its own folder (acyclic, allowed), the
   layer below, and libc (not a library object: ignored). */
#include <string.h>

int fx_base(void);
int fx_top(void);
int fx_app(const char *s);

int fx_app(const char *s)
{
    return fx_top() + fx_base() + (int)strlen(s);
}
