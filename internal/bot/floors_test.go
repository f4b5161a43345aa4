package bot

// Floors measured on the 20-category subset, with margin.
const (
	subsetAccuracyFloor = 0.90
	subsetCoverageFloor = 0.85
)
