package io.coord.bench.faults;

import java.util.List;

/** What one checker concluded: valid, invalid (with each violation in full), or unknown (could not decide). */
record Verdict(String checker, Result result, String summary, List<String> violations) {
    enum Result { VALID, INVALID, UNKNOWN }
}
