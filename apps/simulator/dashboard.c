/**
 * @file dashboard.c
 * @brief The dashboard served at /: one page of plain HTML/CSS/JS (no build
 *        step, no CDN) that uses only the public REST API and the server-sent
 *        events. Its source is apps/simulator/dashboard/ (index.html, app.css,
 *        app.js); dashboard/embed.cmake puts the three together at build time
 *        as the string literals included here.
 */
#include "sim.h"

const char sim_dashboard_html[] =
#include "dashboard_html.inc"
    ;
