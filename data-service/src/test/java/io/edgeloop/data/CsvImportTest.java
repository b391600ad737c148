package io.edgeloop.data;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CSV imports with a column mapping, a delimiter, streamed files and the store-valid-rows option. */
@QuarkusTest
class CsvImportTest {

    @Test
    void aMappingNamesTheFilesColumnsAndItsDelimiter() {
        TestSupport.createDataset("csv-map", 3);
        // a real sensor export: display names with spaces and slashes, extra columns, ';' separated, label elsewhere
        String file = "time;Sensor A (g);od280/od315;Sensor C;class;rig\n"
                + "0.0;1;2;3;normal;r1\n"
                + "0.1;1.5;-0.25;3;imbalance;r2\n"
                + "0.2;\"0.5\";2;3.5;bearing;r1\n";
        given().contentType("text/csv")
                .queryParam("delimiter", ";")
                .queryParam("feature", "Sensor A (g)", "od280/od315", "Sensor C")
                .queryParam("label", "class")
                .queryParam("source", "rig")
                .queryParam("unmapped", "ignore")
                .body(file)
                .post("/datasets/csv-map/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(3))
                .body("rows", equalTo(3))
                .body("rejected", equalTo(0));
        // the mapped row is the same content-addressed sample as the JSON one
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(Map.of("features", List.of(1.5, -0.25, 3.0), "label", "imbalance"))))
                .post("/datasets/csv-map/samples")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo(1));
        // tab-separated, features by name in another order than the data set's
        given().contentType("text/csv")
                .queryParam("delimiter", "tab")
                .body("label\tf2\tf0\tf1\nnormal\t30\t10\t20\n")
                .post("/datasets/csv-map/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(1));
        given().contentType(ContentType.JSON)
                .body(Map.of("samples", List.of(Map.of("features", List.of(10, 20, 30), "label", "normal"))))
                .post("/datasets/csv-map/samples")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo(1));
        assertEquals(4, TestSupport.sampleCount("csv-map"));
    }

    @Test
    void featureNamesAreDisplayNamesAsASheetHasThem() {
        List<String> names = List.of("Alcohol", "od280/od315", "Sensor A (g)", "Färbung, 420 nm");
        given().contentType(ContentType.JSON)
                .body(Map.of("featureNames", names, "labels", List.of("class_1", "class_2")))
                .put("/datasets/csv-display")
                .then()
                .statusCode(201)
                .body("featureNames", equalTo(names));
        // the header is the sheet's own: default mapping by name, quoted where it holds a comma
        given().contentType("text/csv")
                .body("Alcohol,od280/od315,Sensor A (g),\"Färbung, 420 nm\",label\n14.2,3.92,0.5,1.2,class_1\n")
                .post("/datasets/csv-display/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(1));
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "featureNames", List.of(" padded", "ok", "split", "tab\tinside"), "labels", List.of("a", "b")))
                .put("/datasets/csv-display-bad")
                .then()
                .statusCode(422)
                .body("errors.field", contains("featureNames[0]", "featureNames[3]", "featureNames[2]"));
    }

    @Test
    void aBadMappingIsRefusedNamingTheParameter() {
        TestSupport.createDataset("csv-badmap", 3);
        given().contentType("text/csv")
                .queryParam("delimiter", "ab")
                .queryParam("feature", "a", "b")
                .queryParam("onInvalid", "maybe")
                .queryParam("unmapped", "drop")
                .body("a,b,label\n1,2,normal\n")
                .post("/datasets/csv-badmap/samples/csv")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.field", contains("delimiter", "feature", "unmapped", "onInvalid"));
        // a mapped column the file lacks, a label column mapped twice
        given().contentType("text/csv")
                .queryParam("feature", "x", "y", "z")
                .queryParam("label", "class")
                .body("x,y,label\n1,2,normal\n")
                .post("/datasets/csv-badmap/samples/csv")
                .then()
                .statusCode(422)
                .body("errors.field", contains("line 1", "line 1", "line 1"))
                .body(
                        "errors.message",
                        contains(
                                "missing column 'z' (feature 'f2')",
                                "missing column 'class'",
                                "unexpected column 'label' (map it with feature=..., or pass unmapped=ignore)"));
        given().contentType("text/csv")
                .queryParam("feature", "a", "label", "c")
                .body("a,label,c\n1,2,3\n")
                .post("/datasets/csv-badmap/samples/csv")
                .then()
                .statusCode(422)
                .body("errors.field", contains("label"));
        assertEquals(0, TestSupport.sampleCount("csv-badmap"));
    }

    @Test
    void onInvalidSkipStoresTheValidRowsAndReturnsTheOthers() {
        TestSupport.createDataset("csv-skip", 2);
        String file = "f0,f1,label\n"
                + "1,2,normal\n" // line 2
                + "1,x,normal\n" // line 3
                + "3,4,imbalance\n" // line 4
                + "5,6,nope\n" // line 5
                + "7,8\n"; // line 6
        given().contentType("text/csv")
                .queryParam("onInvalid", "skip")
                .body(file)
                .post("/datasets/csv-skip/samples/csv")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(2))
                .body("rows", equalTo(5))
                .body("rejected", equalTo(3))
                .body("errors.field", contains("line 3", "line 5", "line 6"))
                .body("errors[0].message", equalTo("column 'f1': not a number: 'x'"));
        assertEquals(2, TestSupport.sampleCount("csv-skip"));
        // the same file without the option stores nothing more and lists every reason
        given().contentType("text/csv")
                .body(file.replace("1,2,normal", "9,9,normal"))
                .post("/datasets/csv-skip/samples/csv")
                .then()
                .statusCode(422)
                .body("detail", startsWith("3 of 5 rows are invalid; nothing was stored"))
                .body("errors", hasSize(3));
        assertEquals(2, TestSupport.sampleCount("csv-skip"));
    }

    @Test
    void fiftyThousandRowsWithAMappingInOneRequest() {
        TestSupport.createDataset("csv-50k", 3);
        StringBuilder file = new StringBuilder("id,a,b,c,kind\n");
        Random r = new Random(11);
        int rows = 50_000;
        for (int i = 0; i < rows; i++) {
            // uniform values: never an outlier of their class
            file.append(i)
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f", r.nextFloat(), r.nextFloat(), r.nextFloat()))
                    .append(',')
                    .append(TestSupport.LABELS.get(i % 3))
                    .append('\n');
        }
        String csv = file.toString();
        // one bad row deep in the file (line 40,002): nothing is stored, and the reason names it
        String broken = csv.replaceFirst("\n40000,[^,]*,", "\n40000,oops,");
        given().contentType("text/csv")
                .queryParam("feature", "a", "b", "c")
                .queryParam("label", "kind")
                .queryParam("unmapped", "ignore")
                .body(broken)
                .post("/datasets/csv-50k/samples/csv")
                .then()
                .statusCode(422)
                .body("errors.field", contains("line 40002"))
                .body("errors[0].message", equalTo("column 'a': not a number: 'oops'"));
        assertEquals(0, TestSupport.sampleCount("csv-50k"));

        given().contentType("text/csv")
                .queryParam("feature", "a", "b", "c")
                .queryParam("label", "kind")
                .queryParam("unmapped", "ignore")
                .body(csv)
                .post("/datasets/csv-50k/samples/csv")
                .then()
                .statusCode(201)
                .body("rows", equalTo(rows))
                .body("rejected", equalTo(0))
                .body("accepted", equalTo(rows));
        assertEquals(rows, TestSupport.sampleCount("csv-50k"));
    }
}
