/**
 * @file ocpp_v201_layout.h
 * @brief The layout of the OCPP 2.0.1 adapter's state (src/v201/). PRIVATE,
 *        like ocpp_cp_layout.h, which includes it.
 */
#ifndef OCPP_V201_LAYOUT_H
#define OCPP_V201_LAYOUT_H

/** The OCPP 2.0.1 adapter: the shared services, then its own state. */
typedef struct {
    ocpp_station_t *st;
    ocpp_session_t *ss;
    const ocpp_cp_callbacks_t *cb;
    const ocpp_cp_config_t *config;
    const ocpp_storage_port_t *storage;
    ocpp_logger_t log;
    /* Device model (src/v201/devmodel.c), persisted in record "v201vars". */
    int32_t heartbeat_interval; /**< OCPPCommCtrlr.HeartbeatInterval (s). */
    int32_t message_timeout;    /**< OCPPCommCtrlr.MessageTimeout[Default] (s). */
    int32_t ws_ping_interval;   /**< OCPPCommCtrlr.WebSocketPingInterval (s, 0: off). */
    /* Provisioning (src/v201/provisioning.c) */
    uint64_t status_due;  /**< Bit c: StatusNotification of EVSE c to send. */
    uint32_t boot_at_ms;  /**< Next BootNotification (if boot_wait). */
    uint32_t retry_at_ms; /**< After a failed CALL, nothing before this (if retry_wait). */
    uint8_t reported[OCPP_CONFIG_MAX_CONNECTORS + 1]; /**< Per EVSE: last connectorStatus
                                                           the CSMS confirmed (0: none). */
    uint8_t call_evse;                                /**< StatusNotification in flight: EVSE, */
    uint8_t call_status;                              /**<   connectorStatus sent. */
    uint8_t boot_reason; /**< BootReasonEnumType of this boot (src/v201/v201.h). */
    uint8_t reset;       /**< Reset under way (src/v201/v201.h). */
    bool boot_wait;      /**< A BootNotification answer asked to wait until boot_at_ms. */
    bool retry_wait;     /**< A failed CALL asked to wait until retry_at_ms. */
} ocpp_v201_t;

#endif /* OCPP_V201_LAYOUT_H */
