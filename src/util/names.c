/**
 * @file names.c
 * @brief Wire names of the public enums (OCPP 1.6 §7.2, §7.6, §7.7, §7.41), as
 *        packed string tables in enum order (see ocpp_text_nth()).
 */
#include "ocpp/ocpp_cp.h"
#include "util/text.h"

const char *ocpp_cp_conn_str(ocpp_cp_conn_t c)
{
    return ocpp_text_nth("offline\0connecting\0booting\0pending\0accepted\0rejected",
                         OCPP_CP_REJECTED + 1u, (unsigned)c, "?");
}

const char *ocpp_connector_status_str(ocpp_connector_status_t s)
{
    return ocpp_text_nth("Available\0Preparing\0Charging\0SuspendedEVSE\0SuspendedEV\0"
                         "Finishing\0Reserved\0Unavailable\0Faulted",
                         OCPP_CONNECTOR_FAULTED + 1u, (unsigned)s, "?");
}

const char *ocpp_fault_str(ocpp_fault_t e)
{
    return ocpp_text_nth("NoError\0ConnectorLockFailure\0EVCommunicationError\0GroundFailure\0"
                         "HighTemperature\0InternalError\0LocalListConflict\0OtherError\0"
                         "OverCurrentFailure\0OverVoltage\0PowerMeterFailure\0"
                         "PowerSwitchFailure\0ReaderFailure\0ResetFailure\0UnderVoltage\0"
                         "WeakSignal",
                         OCPP_FAULT_WEAK_SIGNAL + 1u, (unsigned)e, "?");
}

const char *ocpp_stop_reason_str(ocpp_stop_reason_t r)
{
    return ocpp_text_nth("Local\0DeAuthorized\0EmergencyStop\0EVDisconnected\0HardReset\0Other\0"
                         "PowerLoss\0Reboot\0Remote\0SoftReset\0UnlockCommand",
                         OCPP_STOP_UNLOCK_COMMAND + 1u, (unsigned)r, "?");
}

const char *ocpp_auth_status_str(ocpp_auth_status_t s)
{
    return ocpp_text_nth("Accepted\0Blocked\0Expired\0Invalid\0ConcurrentTx",
                         OCPP_AUTH_CONCURRENT_TX + 1u, (unsigned)s, "?");
}
