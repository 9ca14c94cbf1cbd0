using System.Text;
using TrainSwarm.Learning.Data.Uploads;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class TabularUploadTests
{
    private static ParsedUpload Parse(string text, string? label = null) =>
        DatasetUploadParser.Parse(UploadFormat.Tabular, Encoding.UTF8.GetBytes(text), "t.csv", new UploadOptions(LabelColumn: label));

    private static string Refusal(string text, string? label = null) =>
        Assert.Throws<UploadRejectedException>(() => Parse(text, label)).Message;

    [Fact]
    public void A_named_label_column_anywhere_becomes_sorted_class_names()
    {
        var parsed = Parse("sepal,species,petal\n1.5,virginica,-2\n0.25,setosa,3e1\n7,virginica,0\n", "species");
        Assert.Equal(["setosa", "virginica"], parsed.ClassNames);
        Assert.Equal([1, 0, 1], parsed.Data.Labels);
        Assert.Equal([1.5f, -2f, 0.25f, 30f, 7f, 0f], parsed.Data.Pixels);
        Assert.Equal([2], parsed.InputShape);
    }

    [Fact]
    public void Each_refusal_names_its_line_or_column()
    {
        Assert.Equal("t.csv line 1: the header has no column 'label' (it has: a, b)", Refusal("a,b\n1,2\n"));
        Assert.Equal("t.csv line 3: 2 fields, but the header has 3", Refusal("a,label,b\n1,x,2\n1,y\n"));
        Assert.Equal("t.csv line 2: column 'b' is nan: NaN and infinities are refused", Refusal("a,label,b\n1,x,nan\n1,y,2\n"));
        Assert.Equal("t.csv line 2: column 'a' holds '', not a number", Refusal("a,label,b\n,x,1\n1,y,2\n"));
        Assert.Equal("t.csv line 2: the label column 'label' is empty", Refusal("a,label\n1,\n2,y\n"));
        Assert.Equal("t.csv: every sample has the same label; a classifier needs at least 2 classes", Refusal("a,label\n1,x\n2,x\n"));
        Assert.Equal("t.csv: no samples: a header line and at least 2 rows are needed", Refusal("a,label\n"));
    }
}
