/**
 * @file evse_ocpp.c
 * @brief evse_cp_ops_t bound to the OCPP library (ocpp_cp.h).
 */
#include "ocpp/evse.h"

static ocpp_status_t op_plugged(void *cp, uint8_t c, bool v)
{
    return ocpp_cp_plugged(cp, c, v);
}

static ocpp_status_t op_ev_ready(void *cp, uint8_t c, bool v)
{
    return ocpp_cp_ev_ready(cp, c, v);
}

static ocpp_status_t op_present_id(void *cp, uint8_t c, const char *tag)
{
    return ocpp_cp_present_id(cp, c, tag);
}

static ocpp_status_t op_stop(void *cp, uint8_t c, ocpp_stop_reason_t r)
{
    return ocpp_cp_stop(cp, c, r);
}

static ocpp_status_t op_fault(void *cp, uint8_t c, ocpp_fault_t err, const char *info,
                              const char *vendor)
{
    return ocpp_cp_fault(cp, c, err, info, vendor);
}

static ocpp_status_t op_data_transfer(void *cp, const char *vendor_id, const char *message_id,
                                      const char *data)
{
    return ocpp_cp_data_transfer(cp, vendor_id, message_id, data);
}

static ocpp_status_t op_evse_suspended(void *cp, uint8_t c, bool suspended)
{
    return ocpp_cp_evse_suspended(cp, c, suspended);
}

static ocpp_status_t op_key_register(void *cp, const ocpp_vendor_key_t *key)
{
    return ocpp_cp_key_register(cp, key);
}

static const evse_cp_ops_t g_library_ops = {.plugged = op_plugged,
                                            .ev_ready = op_ev_ready,
                                            .present_id = op_present_id,
                                            .stop = op_stop,
                                            .fault = op_fault,
                                            .data_transfer = op_data_transfer,
                                            .evse_suspended = op_evse_suspended,
                                            .key_register = op_key_register};

const evse_cp_ops_t *evse_cp_ops_library(void)
{
    return &g_library_ops;
}
