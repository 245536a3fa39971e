/* A program that uses ocpp-c the way a user would; built by consumer_test.sh
 * through find_package(ocpp), add_subdirectory() and pkg-config. */
#include <stdio.h>
#include <string.h>

#include "ocpp/ocpp_config_defaults.h"
#include "ocpp/ocpp_status.h"

/* The library was configured with -DOCPP_MAX_CONNECTORS=3 and
 * -DOCPP_PROFILE_RESERVATION=OFF: its consumers must see the same values. */
#if OCPP_CONFIG_MAX_CONNECTORS != 3
#error "OCPP_CONFIG_MAX_CONNECTORS did not reach the consumer"
#endif
#if OCPP_CONFIG_PROFILE_RESERVATION != 0
#error "OCPP_CONFIG_PROFILE_RESERVATION=0 did not reach the consumer"
#endif

int main(void)
{
    const char *s = ocpp_status_str(OCPP_ERR_NOMEM);
    if (strcmp(s, "OCPP_ERR_NOMEM") != 0) {
        fprintf(stderr, "consumer: unexpected %s\n", s);
        return 1;
    }
    printf("consumer: ok (%s)\n", s);
    return 0;
}
