/*
 * sim_version.h — the version string and the build revision (set by the Makefile).
 */
#ifndef SIM_VERSION_H
#define SIM_VERSION_H

#define SIM_VERSION "0.1.0"
#ifndef SIM_REVISION
#define SIM_REVISION "unknown"
#endif

#endif
