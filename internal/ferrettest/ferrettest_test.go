package ferrettest

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestURIServesMongoProtocol(t *testing.T) {
	uri := URI(t)
	if !strings.HasPrefix(uri, "mongodb://127.0.0.1:") {
		t.Fatalf("URI = %q, want a local mongodb:// URI", uri)
	}
	if again := URI(t); again != uri {
		t.Fatalf("second URI = %q, want the same server %q", again, uri)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	coll := client.Database(Database(t)).Collection("probe")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 1}}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got); err != nil {
		t.Fatalf("find: %v", err)
	}
	if got.N != 1 {
		t.Fatalf("n = %d, want 1", got.N)
	}
}

func TestDatabaseNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		name := Database(t)
		if seen[name] {
			t.Fatalf("Database returned %q twice", name)
		}
		if len(name) > 63 || strings.ContainsAny(name, "/\\. \"$") {
			t.Fatalf("Database returned an invalid name %q", name)
		}
		seen[name] = true
	}
}

func TestRealURIReadsEnvironment(t *testing.T) {
	t.Setenv(RealMongoEnv, "")
	if _, ok := RealURI(); ok {
		t.Fatal("RealURI reported a URI while the variable is empty")
	}
	t.Setenv(RealMongoEnv, " mongodb://db:27017/?replicaSet=rs0 ")
	if u, ok := RealURI(); !ok || u != "mongodb://db:27017/?replicaSet=rs0" {
		t.Fatalf("RealURI = %q, %v", u, ok)
	}
}
