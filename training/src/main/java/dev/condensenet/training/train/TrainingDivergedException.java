package dev.condensenet.training.train;

/** The loss became NaN or infinite; the message names the epoch and the checkpoint that is kept. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
