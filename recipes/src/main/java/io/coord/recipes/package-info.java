/** Recipes built on coord-client only: locks, election, queues, barriers, counters, discovery, caches. */
package io.coord.recipes;
