package dev.condensenet.pipeline.job;

import dev.condensenet.pipeline.frames.DecodeFunction;
import dev.condensenet.pipeline.frames.DecodedFrame;
import dev.condensenet.pipeline.frames.DecoderSettings;
import dev.condensenet.pipeline.inference.BatchingSettings;
import dev.condensenet.pipeline.inference.MicroBatchInferenceOperator;
import dev.condensenet.pipeline.inference.PredictorFactory;
import dev.condensenet.pipeline.wire.DeadLetter;
import dev.condensenet.pipeline.wire.FrameRecord;
import dev.condensenet.pipeline.wire.Prediction;
import dev.condensenet.pipeline.wire.Topics;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's topology with the source and sinks injected (Kafka in production, anything in tests):
 *
 * <pre>
 * source → decode ─┬→ micro-batch inference → predictions sink
 *                  └→ (side output) dead letters sink
 * </pre>
 *
 * Everything runs at one parallelism and chains into one task per subtask: no keyBy, so image bytes
 * never cross the network. Stable uids keep savepoints compatible across versions of the job.
 */
public final class PipelineGraph {
    private PipelineGraph() {}

    /**
     * @param model    creates the predictor inside each subtask; its spec gives the decoder's input shape
     * @param decoder  decoding limits and the model's input shape and normalisation
     * @param batching when a micro-batch is run
     * @param topK     labels with scores per prediction, >= 1
     */
    public static void build(StreamExecutionEnvironment env, Source<FrameRecord, ?, ?> source,
                             Sink<Prediction> predictions, Sink<DeadLetter> deadLetters,
                             PredictorFactory model, DecoderSettings decoder, BatchingSettings batching, int topK) {
        build(env, source, predictions, deadLetters, model, decoder, batching, topK, UnaryOperator.identity());
    }

    /**
     * As above, with {@code beforePredictionSink} applied to the prediction stream just before its sink (tests
     * insert failures there); identity in production.
     */
    public static void build(StreamExecutionEnvironment env, Source<FrameRecord, ?, ?> source,
                             Sink<Prediction> predictions, Sink<DeadLetter> deadLetters,
                             PredictorFactory model, DecoderSettings decoder, BatchingSettings batching, int topK,
                             UnaryOperator<DataStream<Prediction>> beforePredictionSink) {
        // Operators hand records to the next chained operator by reference; the decoder reuses its
        // output frame and the batcher copies it at once (see DecodedFrame), which this requires.
        env.getConfig().enableObjectReuse();
        // Every record type is a POJO of strings, numbers and arrays, serialized field by field. With
        // generic types off, a type that would fall back to Kryo (a general object-graph serializer)
        // fails the job when it is built instead of being shipped between tasks and into state.
        Configuration serialization = new Configuration();
        serialization.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(serialization);
        DataStream<FrameRecord> frames = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), Topics.FRAMES)
                .uid("frames-source");
        SingleOutputStreamOperator<DecodedFrame> decoded = frames
                .process(new DecodeFunction(decoder))
                .returns(TypeInformation.of(DecodedFrame.class))
                .name("decode")
                .uid("decode");
        DataStream<Prediction> predicted = decoded
                .transform("micro-batch-inference", TypeInformation.of(Prediction.class),
                        new MicroBatchInferenceOperator(model, batching, topK))
                .uid("inference");
        beforePredictionSink.apply(predicted).sinkTo(predictions).name("predictions").uid("predictions-sink");
        decoded.getSideOutput(DecodeFunction.DEAD_LETTERS)
                .sinkTo(deadLetters).name("dead-letters").uid("dead-letters-sink");
    }
}
