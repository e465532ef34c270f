package data_test

import (
	"fmt"
	"strings"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/rand"
)

func ExampleDecodeCSV() {
	text := "x1,x2,label\n0.5,1.25,cat\n-0.75,2.0,dog\n1.5,-0.25,cat\n"
	d, err := data.DecodeCSV[float64]("pets.csv", strings.NewReader(text), data.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("X", d.X.ShapeString(), "features", d.FeatureNames)
	fmt.Println("classes", d.ClassNames, "labels", d.Labels)
	fmt.Println("Y", d.Y.RawData())
	// Output:
	// X (2, 3) features [x1 x2]
	// classes [cat dog] labels [0 1 0]
	// Y [0 1 0]
}

func ExampleDecodeCSV_error() {
	text := "0.1,0.2,1\n0.3,NaN,0\n"
	_, err := data.DecodeCSV[float64]("train.csv", strings.NewReader(text), data.CSVOptions{Classes: 2})
	fmt.Println(err)
	// Output:
	// data: train.csv, line 2, column 2: value NaN is not a finite number; remove or impute it
}

func ExampleCourseFlower() {
	d := data.CourseFlower[float64]()
	fmt.Println("X", d.X.ShapeString(), "Y", d.Y.ShapeString())
	fmt.Printf("first example (%.6f, %.6f), label %d\n", d.X.At(0, 0), d.X.At(1, 0), d.Labels[0])
	// Output:
	// X (2, 400) Y (1, 400)
	// first example (1.204442, 3.576114), label 0
}

func ExampleDataset_Split() {
	d, _ := data.Generate[float32]("moons", 300, 0.2, 3)
	train, val, test, err := d.Split(rand.New(1), 0.1, 0.2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Len(), val.Len(), test.Len())

	// Standardise with the statistics of the training set only.
	s, _ := data.FitStandardizer(train.X)
	for _, part := range []*data.Dataset[float32]{train, val, test} {
		s.Apply(part)
	}
	fmt.Println(len(s.Mean), "features standardised")
	// Output:
	// 210 30 60
	// 2 features standardised
}
