/*
 * fuzz_scenario.c — libFuzzer entry for the scenario loader (style C.6 item 8).
 *
 * Goal: no input, however malformed, crashes the loader, leaks, or trips UBSan; every
 *   rejection comes back as diagnostics with SIM_EINVALID.
 * Method: the input's first byte picks a few --set overrides (none, a good one, bad
 *   paths) so the override code is fuzzed too; the rest is the file. `make fuzz` builds
 *   it with clang and runs it for FUZZ_SECONDS on the shipped scenarios and the bad
 *   cases as a seed corpus.
 */
#include "../../sim/scenario/scenario.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const scn_override sets[][2] = {
        {{"network/loss", "0.5"}, {"seed", "3"}},
        {{"timeline/0/at", "\"1s\""}, {"cluster/config/broker.session.timeout.ms", "100"}},
        {{"no/such/path", "1"}, {"timeline/99/do", "\"crash\""}},
    };
    uint32_t n = 0;
    const scn_override *ov = NULL;
    if (size > 0) {
        const uint8_t pick = data[0] % 4;
        if (pick < 3) {
            ov = sets[pick];
            n = 2;
        }
        data++;
        size--;
    }
    scn_config *cfg = NULL;
    scn_diags d = {0};
    const sim_err err = scn_load_buffer("fuzz.json", (const char *)data, size, ov, n, &cfg, &d);
    if (err == SIM_OK) scn_config_free(cfg);
    scn_diags_free(&d);
    return 0;
}
