/**
 * The thresholds the analyses judge by, which the views also draw and name (a
 * rule on a chart, a sentence in a card's description): one value for both,
 * so a chart's rule is where the analysis drew the line.
 */

/** A mean absolute pixel error above this makes a reconstruction "broken" (ReconstructionReport.brokenThreshold). */
export const BROKEN_MAE = 0.1;

/** A δ is recognizable when the mean PSNR of the noisy reconstructions is at least this (dB)… */
export const RECOGNIZABLE_PSNR = 20;

/** …and the classifier's accuracy on them is at least this share of its accuracy on the clean originals. */
export const RECOGNIZABLE_ACCURACY_SHARE = 0.9;
