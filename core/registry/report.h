/*
 * What the registry tells an operator: the category table of --list-categories, the plugin
 * check of --check-plugins, and the start-up warning about catalog categories that have no
 * plugin file in the plugin directories (so a wrong directory is noticed at once, not when a
 * model first enables a category).
 *
 * Each writes lines to the given streams and returns an exit status; none keeps state. Call
 * them from one thread at a time per stream (stdio's locking keeps each line whole).
 * --check-plugins loads and unloads plugins through mm_registry_acquire/release, so it runs
 * plugin code (init, fini).
 */
#ifndef MISTMCP_CORE_REGISTRY_REPORT_H
#define MISTMCP_CORE_REGISTRY_REPORT_H

#include "registry/registry.h"

#include <stdio.h>

/* The table: name, tool counts (all, read-only, write), description, "(write-only)" and
 * "(no plugin)" marks, then totals and the plugin directories. Returns 0. */
int mm_report_categories(mm_registry *reg, const char *spec_version, FILE *out);

/* Names each catalog category without a plugin file (on err), loads and unloads every other
 * plugin once (each failure on err, naming the file and the cause), then one summary line on
 * out. Returns 0 if every plugin is there and loads, else 1. */
int mm_report_check_plugins(mm_registry *reg, FILE *out, FILE *err);

/* One warning line on err if catalog categories have no plugin file: how many, the first
 * names, the directories searched. Returns how many are missing. */
size_t mm_report_missing(mm_registry *reg, FILE *err);

#endif
