/*
 * Never lose a transaction on a bare-metal charger (issue #6): the charge
 * point persists through the flash store (ports/flash) on the simulated NOR
 * flash (flash_sim.c), and the power is cut inside a flash operation -- a
 * program or an erase torn half way, as a real power cut does -- at every
 * single operation of a scripted two-connector session (one run per
 * operation). After the power returns the store is mounted again, a new
 * charge point starts on it and drains its queue: OCPP 1.6 §3.7 (every
 * transaction-related message delivered) holds for the CSMS, every
 * transaction has its StopTransaction (reason PowerLoss when it was cut
 * short, §7.39), and what reaches the CSMS twice is counted separately.
 */
#include "flash_sim.c" /* not a test_*.c file: not globbed on its own */
#include "ocpp/ocpp_flash_store.h"

static flash_sim_t sim;
static ocpp_flash_store_t store;
static ocpp_storage_port_t store_port;

static bool px_dead(void)
{
    return sim.dead != 0;
}

#define PX_STORAGE (&store_port)
#include "persist_fixture.h"

static void mount(void)
{
    assert_int_equal(ocpp_flash_store_init(&store, &sim.drv), OCPP_OK);
    ocpp_flash_store_port(&store, &store_port);
    assert_true(ocpp_flash_store_max_record(&store) >= OCPP_TXS_HEAD_SIZE + OCPP_CONFIG_TXQ_SIZE);
}

/** The session with the power cut at flash operation `cut` (0: never);
 *  @return the session's flash operations, -1 if a transaction was lost. */
static long run_with_cut(uint64_t cut, int *dup)
{
    /* 3 sectors of 2 KiB: the session's records fill them, so compactions
     * (erases) happen during the session too. */
    assert_int_equal(flash_sim_init(&sim, 2048, 3, 256, 4, (uint32_t)cut + 1u), 0);
    mount();
    flash_sim_cut_after(&sim, cut);
    fx_t *x = px_session();
    long ops = (long)sim.ops;
    if (cut == 0) {
        assert_true(sim.erases > 0); /* the cuts also hit compactions */
    }
    px_keep(x);
    flash_sim_reboot(&sim);
    mount();
    x = power_on();
    boot(x);
    answer_all(x);
    px_keep(x);
    assert_int_equal(sim.violations, 0);
    flash_sim_free(&sim);
    int groups = px_check_ledger(dup);
    if (groups < 0) {
        print_message("power cut at flash operation %lu: a transaction was lost\n",
                      (unsigned long)cut);
        return -1;
    }
    if (cut == 0) {
        assert_int_equal(groups, 2);
    }
    return ops;
}

static void test_power_cut_at_every_flash_operation(void **s)
{
    (void)s;
    int dup = 0, dups = 0;
    long total = run_with_cut(0, &dup);
    assert_true(total > 20);
    assert_int_equal(dup, 0);
    for (long cut = 1; cut <= total; cut++) {
        assert_true(run_with_cut((uint64_t)cut, &dup) >= 0);
        dups += dup;
    }
    print_message("%ld power cuts inside flash operations, 0 lost, %d sent twice\n", total, dups);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_cut_at_every_flash_operation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
