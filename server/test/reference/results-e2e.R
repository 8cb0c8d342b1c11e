# Reference p-values for the HTTP end-to-end results test (server/src/features/results/results.e2e.test.ts).
# Run: Rscript server/test/reference/results-e2e.R > server/test/reference/results-e2e.json
# Per-unit values of the test's dataset after its window edges, cap (50), late event and erasure,
# derived by hand from the dataset's rules (the test recomputes them and checks they match).
control <- c(50, 13, 0, 39, 0, 50, 0, 30, 0, 50, 50, 21, 0, 47, 0, 50, 0, 38, 0, 3)
treatment <- c(43, 50, 50, 21, 44, 50, 25, 38, 50, 50, 50, 29, 42, 50, 7, 50, 33, 46)
control_bought <- c(1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1)
treatment_bought <- c(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
welch <- t.test(treatment, control)
prop <- prop.test(c(sum(treatment_bought), sum(control_bought)),
  c(length(treatment_bought), length(control_bought)), correct = FALSE)
num <- function(z) format(z, digits = 17)
cat("{\n")
cat('  "source": "R t.test(treatment, control) (Welch); prop.test(correct = FALSE)",\n')
cat('  "control": [', paste(control, collapse = ", "), "],\n")
cat('  "treatment": [', paste(treatment, collapse = ", "), "],\n")
cat('  "revenueDifference":', num(unname(welch$estimate[1] - welch$estimate[2])), ",\n")
cat('  "revenuePValue":', num(welch$p.value), ",\n")
cat('  "boughtPValue":', num(prop$p.value), "\n")
cat("}\n")
