package train_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/backprop-go/backprop/data"
	"github.com/backprop-go/backprop/modelio"
	"github.com/backprop-go/backprop/nn"
	"github.com/backprop-go/backprop/optim"
	"github.com/backprop-go/backprop/rand"
	"github.com/backprop-go/backprop/train"
)

// Example builds a 2-16-1 network, trains it on two moons with Adam,
// evaluates it on held-out examples, saves it and predicts with the
// model read back. X has one example per column.
func Example() {
	src := rand.New(1)
	all, err := data.Moons[float64](src, 1000, 0.1)
	if err != nil {
		log.Fatal(err)
	}
	trainSet, _, testSet, err := all.Split(src, 0, 0.2)
	if err != nil {
		log.Fatal(err)
	}

	net, err := nn.New[float64]([]int{2, 16, 1}, []nn.Activation{nn.ReLU, nn.Sigmoid}, nn.BCE)
	if err != nil {
		log.Fatal(err)
	}
	if err := net.Init(nn.He, 0, src); err != nil {
		log.Fatal(err)
	}
	cfg := train.Config{
		Epochs: 50, BatchSize: 32, Shuffle: true, Source: src,
		LearningRate: 0.01, Optimizer: optim.Config{Method: optim.Adam},
	}
	if _, err := train.Run(net, trainSet, nil, cfg); err != nil {
		log.Fatal(err)
	}
	_, accuracy, err := train.Evaluate(net, testSet)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("test accuracy %.1f%%\n", 100*accuracy)

	dir, err := os.MkdirTemp("", "backprop-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "moons.safetensors")
	if err := modelio.Write(path, &modelio.Model[float64]{Net: net}); err != nil {
		log.Fatal(err)
	}
	m, err := modelio.Read[float64](path)
	if err != nil {
		log.Fatal(err)
	}
	classes, err := m.Net.Predict(testSet.X)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first classes", classes[:5], "labels", testSet.Labels[:5])
	// Output:
	// test accuracy 100.0%
	// first classes [1 1 0 0 1] labels [1 1 0 0 1]
}
