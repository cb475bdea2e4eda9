package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.results.LearningRateRange;
import org.junit.jupiter.api.Test;

/** The range test's curve, stop rules and suggestion on hand-made loss sequences (no Spark). */
class LearningRateFinderTest {
  /** 11 steps from 1e-5 to 1e5: rates 10^(k − 5), k = 0..10; no smoothing, so the numbers are exact. */
  private static final RangeTestSettings PLAIN = RangeTestSettings.builder().minRate(1e-5).maxRate(1e5).steps(11)
      .smoothing(0).stopFactor(4).build();

  @Test
  void theSuggestionIsATenthOfTheRateAtTheLowestLossAndTheStopIsKept() {
    double[] losses = {2.0, 1.9, 1.5, 1.0, 0.5, 0.4, 0.7, 1.7, 9, 9, 9};
    LearningRateRange r = LearningRateFinder.summarise(losses, PLAIN, 7, "local", 128, 1.0);
    assertEquals(1e0, r.minLossRate(), 1e-12, "lowest loss 0.4 at step 5, rate 1");
    assertEquals(0.1, r.suggested(), 1e-12);
    assertEquals(0.4, r.minLoss(), 1e-12);
    assertEquals(8, r.points().size(), "steps up to and including the first over 4 × 0.4 = 1.6 (1.7 at step 7)");
    assertTrue(r.stopReason().startsWith("stopped at 100: the smoothed loss 1.700 exceeded 4.00 times its lowest"),
        r.stopReason());
    assertEquals(7, r.seed());
  }

  @Test
  void aLossOver1000TimesTheFirstIsDivergenceAsInTraining() {
    RangeTestSettings loose = RangeTestSettings.builder().minRate(1e-5).maxRate(1e5).steps(11).smoothing(0)
        .stopFactor(1e9).build();
    double[] losses = {0.01, 0.005, 0.002, 20, 5};
    LearningRateRange r = LearningRateFinder.summarise(losses, loose, 1, "sync", 1000, 1.0);
    assertEquals(4, r.points().size());
    assertTrue(r.stopReason().contains("the loss exploded to 20.0, over 1000 times the first step's 0.0100"),
        r.stopReason());
  }

  @Test
  void aCurveThatNeverDivergesOrEndsEarlySaysSo() {
    double[] falling = {5, 4, 3, 2, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7, 0.6};
    LearningRateRange r = LearningRateFinder.summarise(falling, PLAIN, 1, "local", 8, 1.0);
    assertEquals("reached lr-find.max-rate = 1.00e+05 without diverging", r.stopReason());
    assertEquals(1e4, r.suggested(), 1e-6);
    LearningRateRange cut = LearningRateFinder.summarise(new double[] {5, 4, 3}, PLAIN, 1, "local", 8, 1.0);
    assertEquals("stopped at 0.00100: the loss turned NaN or infinite at the next step", cut.stopReason());
    assertThrows(DivergenceException.class,
        () -> LearningRateFinder.summarise(new double[0], PLAIN, 1, "local", 8, 1.0));
  }

  /** The moving average is bias-corrected: a constant loss smooths to itself from the first step. */
  @Test
  void theSmoothingIsBiasCorrected() {
    LearningRateFinder.Smoother s = new LearningRateFinder.Smoother(0.9);
    for (int i = 0; i < 5; i++) {
      assertEquals(2.0, s.add(2.0).smoothed(), 1e-12);
    }
    s.add(12.0);
    assertEquals((0.9 * (2 * (1 - Math.pow(0.9, 5))) + 0.1 * 12) / (1 - Math.pow(0.9, 6)), s.smoothed(), 1e-12);
  }

  @Test
  void ratesGrowByTheSameFactorEveryStep() {
    RangeTestSettings s = RangeTestSettings.builder().build();
    assertEquals(1e-6, s.rate(0), 1e-18);
    assertEquals(10, s.rate(s.steps() - 1), 1e-9);
    assertEquals(s.rate(1) / s.rate(0), s.rate(101) / s.rate(100), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> RangeTestSettings.builder().smoothing(1).build());
    assertThrows(IllegalArgumentException.class, () -> RangeTestSettings.builder().steps(5).build());
  }
}
