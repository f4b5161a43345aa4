package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/matcher"
)

// botEval trains the FAQ matcher on one labeled CSV file and measures it on
// another, or on a fixed-seed stratified split of one file, and prints one
// JSON line: {"n","accuracy","top3","baseline_accuracy","coverage_at_95",
// "p50_ms","p99_ms",...}; the baseline is a character TF-IDF nearest
// neighbour over the same training rows, measured in the same run.
func botEval(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("huiying bot eval", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	trainPath := fs.String("train", "", "training CSV `file` (text,category with a header row)")
	testPath := fs.String("test", "", "test CSV `file`; without it, --split of --train is held out")
	split := fs.Float64("split", 0, "`fraction` of each category of --train to hold out as the test set")
	seed := fs.Uint64("seed", 42, "seed of the split")
	epochs := fs.Int("epochs", 0, "training epochs (0: default)")
	useEncoder := fs.Bool("encoder", true, "add the sentence encoder's vector to the features, Chinese questions through their dictionary reading (false: words and characters only)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: huiying bot eval --train TRAIN.csv (--test TEST.csv | --split 0.1 [--seed 42])\n\n"+
			"Trains the FAQ matcher on TRAIN (one article per category, its texts as example\n"+
			"questions), measures it on the test questions and prints one JSON line:\n"+
			`{"n":…,"accuracy":…,"top3":…,"baseline_accuracy":…,"coverage_at_95":…,"p50_ms":…,"p99_ms":…}`+"\n"+
			"(baseline_accuracy: a character TF-IDF nearest neighbour over the same training rows)")
		fs.PrintDefaults()
	}
	if err := parseEvalArgs(fs, args, trainPath, testPath, split); err != nil {
		return err
	}
	train, test, err := loadEval(ctx, *trainPath, *testPath, *split, *seed, matcher.ReadCSV, matcher.StratifiedSplit)
	if err != nil {
		return err
	}
	arts := matcher.Articles(train)
	fmt.Fprintf(env.Stderr, "bot eval: training on %d questions in %d articles, testing on %d\n", len(train), len(arts), len(test))
	opts := matcher.Options{Epochs: *epochs, NoEncoder: !*useEncoder, Progress: env.Stderr}
	if *useEncoder {
		// The live bot falls back to words and characters when the encoder
		// cannot load; a measurement says so instead.
		if _, err := matcher.DefaultEmbedder(); err != nil {
			return err
		}
	}
	start := time.Now()
	m := matcher.Train(arts, opts)
	fmt.Fprintf(env.Stderr, "bot eval: trained in %s (temperature %.3f)\n", time.Since(start).Round(time.Millisecond), m.Temperature())
	rep := matcher.Evaluate(m, train, test)
	return json.NewEncoder(env.Stdout).Encode(rep)
}

// parseEvalArgs parses the evaluation flags: --train, and exactly one of
// --test or a --split between 0 and 1.
func parseEvalArgs(fs *flag.FlagSet, args []string, trainPath, testPath *string, split *float64) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return ErrUsage
	}
	if fs.NArg() > 0 || *trainPath == "" || (*testPath == "") == (*split <= 0 || *split >= 1) {
		fs.Usage()
		return ErrUsage
	}
	return nil
}

// loadEval reads the training set and the test set: a file of its own, or
// a fixed-seed split of the training file.
func loadEval[T any](ctx context.Context, trainPath, testPath string, split float64, seed uint64,
	read func(string) ([]T, error), splitFn func([]T, float64, uint64) ([]T, []T)) (train, test []T, err error) {
	if train, err = read(trainPath); err != nil {
		return nil, nil, err
	}
	if testPath != "" {
		if test, err = read(testPath); err != nil {
			return nil, nil, err
		}
	} else {
		train, test = splitFn(train, split, seed)
	}
	switch {
	case len(train) == 0:
		return nil, nil, fmt.Errorf("%s: no training examples; give a file with a header row and at least one example", trainPath)
	case len(test) == 0 && testPath != "":
		return nil, nil, fmt.Errorf("%s: no test examples; give a file with a header row and at least one example", testPath)
	case len(test) == 0:
		return nil, nil, fmt.Errorf("--split %g of %s holds out nothing; use a larger fraction or --test", split, trainPath)
	}
	return train, test, ctx.Err()
}
