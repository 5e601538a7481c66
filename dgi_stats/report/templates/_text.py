"""Every text of the annual report, in English and Vietnamese.

The narration of each section, the table headers and column notes, the figure titles, labels and
text alternatives. Methodology terms follow the glossary of the documentation (docs/glossary.md):
change a term there and here together. Unit names are Vietnamese in both languages.
"""

from __future__ import annotations

LANGS = ("en", "vi")

EN_NARRATION: dict[str, str] = {
    "intro": """
# District Governance Index (DGI) @YEAR@: statistical report

Quảng Ninh's District Governance Index (*Chỉ số hiệu quả quản trị cấp huyện*, DGI) scores the
province's 13 district-level units on 8 dimensions, each out of 10, from a citizen survey; the total
(out of 80) is their sum and the composite index is the total in % of 80. The published results are
ranks ("1st of 13"). With 13 units, each scored from a few hundred respondents in a handful of
communes, and scores crowded near the ceiling, a rank printed without its uncertainty misleads.
This report gives, for @YEAR@:

1. the published figures, with their sources, and the index arithmetic checked;
2. the survey: sample per unit, weights before and after raking, effective sample sizes, item
   nonresponse;
3. every dimension, the total and the composite per unit with confidence intervals;
4. what the ranks can tell: confidence sets for ranks, tiers of units that cannot be told apart,
   the probability of ranking 1st;
5. the change on the year before (score changes and a rank-change test for every unit);
6. how much the ranks depend on the equal weighting of the 8 dimensions (robustness);
7. planning: the change a survey can detect, and the sample per unit needed (communes, which set
   the design's degrees of freedom, and respondents).

Every number below is computed by a `dgi_stats` function: the notebook holds only narration and
calls. Run it with `dgi-stats report @YEAR@` (HTML, `summary.json` and figures in
`reports/@YEAR@/`), or open it in Jupyter and run all cells.

**Data.** Unless `data_path` is set, the survey is the **SYNTHETIC** survey bundled with
dgi_stats: simulated respondents whose true scores reproduce every published DGI figure (the
rest is invented). The DGI's microdata are not public. Every result computed from the
synthetic survey illustrates the method. It is not a DGI result.

### Running this report on the official data

1. Export the survey with one row per respondent and the columns of the bundled survey:
   `district` (unit names; spellings such as "TP Uông Bí" or "uong bi" are recognised),
   `commune_id` (primary sampling unit), `village_id`, `design_weight` (optionally `nr_weight`,
   the nonresponse-adjusted weight, used when present), `sex`, `age_group`, `ethnicity` and the
   questionnaire items `q...` of the year's specification (list them with
   `dgi_stats.datasets.load_spec(@YEAR@).item_ids`). CSV (UTF-8), Parquet, SPSS `.sav` and
   Stata `.dta` are read. Check the file with `dgi-stats validate survey.csv --year @YEAR@`.
2. The bundled specification uses the official 8 dimensions with an illustrative questionnaire,
   because the official indicator annex (Quyết định 3447/QĐ-UBND) is not public. To use the
   official definitions, edit the TOML file `dgi_stats/datasets/specs/dgi_@YEAR@.toml` (no code
   changes).
3. For raking, give the population's adult counts by district × sex × age group × ethnicity
   (columns `district`, `sex`, `age_group`, `ethnicity`, `adults`) as `margins_path`. Without it,
   the file's weights are used as they are.
4. Run `dgi-stats report @YEAR@ --data survey.csv --margins margins.csv --out reports/@YEAR@-official`
   (the change section also needs the year before: `--previous-data`, `--previous-margins`).
""",
    "published": """
## 1. Published figures for @YEAR@

The DGI publishes ranks and a few scores per year, in the provincial press. These are the
published figures for @YEAR@ and @PREV@ bundled with dgi_stats (`load_published()`), each with its
source; figures not found in public sources are absent (an explicit NOT FOUND row marks a known
gap). The table after it checks the index arithmetic on them: the total is the sum of the 8
dimension scores, and the composite is the total in % of 80.
""",
    "design": """
## 2. Data and design

The survey is analysed as it was drawn: each unit is a stratum whose communes were selected with
probability proportional to size, villages within communes, adults within villages. A commune
selected with certainty (a large commune of a small unit) is not a sample of communes: it is made a
stratum of its own whose villages are the primary sampling units, and the finite population
corrections come from the frame (communes per unit, villages per commune, adults per village), as
R's `survey` package recommends. A survey file without the frame columns is analysed with
communes drawn with replacement, which overstates the standard errors. The weights are the inverse
inclusion probabilities adjusted for unit nonresponse. Women and older adults answer more often than others,
so the weights are then **raked** to the population's adult counts by unit × sex × age group and by
unit × ethnicity. Variances are by Taylor linearisation, with the raking taken into account (as in
R's `survey` package), unless `variance` says otherwise.

**What the confidence levels rest on.** Every confidence level and error rate in this report is
approximate. It holds when the declared design is the one the sample was drawn with (strata,
communes as primary sampling units, communes taken with certainty, sampling fractions) and when
the weights capture nonresponse. Intervals and rank sets then use critical values from each unit's
design degrees of freedom (the number of primary sampling units minus the number of strata), not
normal ones; their coverage has been checked by simulation at 2, 5 and 10 degrees of freedom.
Whether a unit's sample is adequate depends on its number of communes, which sets its degrees of
freedom, not on its number of respondents; with 1 degree of freedom no error rate can be relied on.
""",
    "sample": """
**Sample per unit.** Respondents, communes and villages. The weight totals before and after
raking: after raking they equal the unit's adult population. Kish's effective sample size, which
is smaller than the number of respondents because of unequal weights. The weighting design effect.
The number of communes matters most: it sets the unit's design degrees of freedom, which limit how
well its standard error is known, whatever the number of respondents.
""",
    "raking": """
**What raking does.** The share of women and of the Kinh majority (%) in the sample, weighted before
raking, weighted after raking, and in the population. After raking, the weighted shares equal the
population's.
""",
    "nonresponse": """
**Item nonresponse.** Answers of "don't know", refusals and blanks are counted, never silently
dropped. Each indicator's mean is taken over the respondents who answered it. The indicators with
the most missing answers:
""",
    "results": """
## 3. Results: scores with confidence intervals

Every dimension (0–10), the total (0–80) and the composite (%) per unit. Each is given as the
estimate with its confidence interval (`confidence_level`). Intervals use t quantiles with each
estimate's effective degrees of freedom (Satterthwaite's, across the strata of the unit: below
the number of communes minus one when one stratum carries most of the variance), and are
computed on the logit of the score's position in its scale and mapped back, so that they stay
inside 0–10, 0–80 and 0–100 (near the ceiling they are asymmetric).
""",
    "truth": """
**Synthetic data only: the truth is known.** The simulator knows every unit's true population
total, so we can check the intervals against it. With real data this table cannot exist.
""",
    "ranks": """
## 4. Ranks and their uncertainty

A rank is a statement about all 13 units at once, so its uncertainty depends on every unit's
sampling error. The **confidence set** of a unit's rank is the range of ranks that the data cannot
rule out (Mogstad, Romano, Shaikh & Wilhelm, 2024, *Review of Economic Studies*).

- A **marginal** set covers that unit's true rank with probability at least `confidence_level`.
  Use it when you look at one unit that you chose in advance.
- **Simultaneous** sets cover all the true ranks at once. Use them when you read the whole league
  table.

Both levels are approximate, under the conditions stated in section 2.

**Performance bands** group the units that the data can order. With joint confidence
`confidence_level`, every unit of a band is better than every unit of the bands below it. Within a
band no order is claimed. This is the grounded alternative to colour bands cut at quartiles of the
point estimates.

The probability of ranking 1st (or in the top 3) is computed from draws of the estimates. It
describes the uncertainty and is not a test.
""",
    "best": """
**Which units could be the best?** This is the set of units that the data cannot exclude from
rank 1, with `confidence_level` confidence (τ-best with τ = 1).
""",
    "change": """
## 5. Change on @PREV@

The @PREV@ survey goes through the same pipeline as the @YEAR@ survey. The two years are
independent samples, so the covariance of a change is the sum of the two years' covariances.
With the bundled survey, the @PREV@ survey is the bundled one; with a survey file (`data_path`),
it is the @PREV@ survey file given as `previous_data_path` (`--previous-data`). Without it this
section says so and computes nothing: a survey file is never compared with bundled SYNTHETIC data.

For every unit the test reports:

- the score change with its confidence interval, and its p-value (Holm-adjusted across the 13
  units);
- the ranks in the two years;
- a lower and an upper confidence bound on the number of places gained. Together they form an
  interval at `confidence_level`, simultaneous for all units, so they stay valid for "movers" that
  are picked after looking at the table: the probability of any false "rose" or "fell" claim in the
  whole table is at most 1 − `confidence_level` (approximately, under the conditions of section 2).
  A rise is established only when the lower bound is at least 1, and a fall only when the upper
  bound is at most −1.
""",
    "uong_bi": """
### Is Uông Bí's published rise from 6th to 1st real?

The published claim is about one unit that was **named in advance**, so the test for a single unit
applies. It has more power than the all-units test above. The three parts of the answer are the
score change (with its confidence interval), the rank change (with a one-sided lower confidence
bound at `confidence_level` on places gained, which is not one end of an interval at that level)
and, for context, the published ranks.
""",
    "no_change": """
## 5. Change on the year before

@YEAR@ is the first year of the DGI series in dgi_stats, so there is no earlier survey to compare
with.
""",
    "robust": """
## 6. Robustness: how much do the ranks depend on the weights?

The DGI adds its 8 dimensions with equal weights. Below, the ranks are computed again under other
weighting schemes: factor-analysis weights, benefit-of-the-doubt (each unit's most favourable
weights) and geometric aggregation. Then comes a joint **uncertainty analysis**, which draws the
weights (±25 % noise around equal weights), the aggregation and the survey's sampling error together
in one Monte Carlo. It gives each unit's median rank with a 5–95 % band (the 5th to 95th
percentiles of its rank over the runs: a descriptive band holding the middle 90 % of the runs, not
a confidence set). The Sobol sensitivity indices show which of these choices drives the rank
shifts.
""",
    "planning": """
## 7. Planning the next survey

**The change detectable next year.** A change in a unit's total smaller than the values below is
likely to be missed. The table gives the smallest true change that a test at level
1 − `confidence_level` detects with 80 % power, if next year's survey has the same design as this
one. It also gives the values for samples 2, 4 and 8 times as large (the same design with more
communes, villages and respondents). More communes raise the design's degrees of freedom; more
respondents in the same communes do not.
""",
    "planning_rise": """
**The design a rise like Uông Bí's needs.** Could a survey establish a rise of the published size
(the published change of Uông Bí's total, which took it from 6th to 1st)? Both years' SYNTHETIC
surveys are simulated with every unit drawn afresh (no unit held at its true score), each with its
own design standard errors and degrees of freedom, and the rank-change test is run on each pair.
The power is the share of 300 pairs in which the rise is established, printed with its Monte Carlo
standard error. This cell runs the current design; the grid of larger designs (more respondents
per village, more communes per unit) is the documented command of the methodology page on power.
""",
    "summary": """
## 8. Summary

The headline numbers, written to `summary.json` in `output_dir`. The file is identical on every run
with the same seed.
""",
}

VI_NARRATION: dict[str, str] = {
    "intro": """
# Chỉ số hiệu quả quản trị cấp huyện (DGI) @YEAR@: báo cáo thống kê

Chỉ số hiệu quả quản trị cấp huyện (*District Governance Index*, DGI) của Quảng Ninh chấm điểm 13
đơn vị cấp huyện của tỉnh trên 8 lĩnh vực, mỗi lĩnh vực tối đa 10 điểm, từ một cuộc khảo sát người
dân; tổng điểm (tối đa 80) là tổng của 8 lĩnh vực và chỉ số tổng hợp là tổng điểm tính theo % của
80. Kết quả được công bố dưới dạng thứ hạng ("thứ 1/13"). Với 13 đơn vị, mỗi đơn vị được chấm từ vài
trăm người trả lời ở một số ít xã, và điểm số dồn sát mức trần, một thứ hạng công bố không kèm độ bất
định sẽ gây hiểu lầm. Báo cáo này trình bày, cho năm @YEAR@:

1. các số liệu đã công bố, kèm nguồn, và kiểm tra phép tính của chỉ số;
2. cuộc khảo sát: mẫu của từng đơn vị, trọng số trước và sau khi điều chỉnh trọng số theo biên
   (raking), cỡ mẫu hiệu dụng, tỷ lệ không trả lời câu hỏi;
3. từng lĩnh vực, tổng điểm và chỉ số tổng hợp của từng đơn vị, kèm khoảng tin cậy;
4. thứ hạng cho biết được gì: tập tin cậy của thứ hạng, các nhóm đơn vị không phân biệt được với
   nhau, xác suất xếp thứ 1;
5. thay đổi so với năm trước (thay đổi điểm và kiểm định thay đổi thứ hạng cho mọi đơn vị);
6. thứ hạng phụ thuộc bao nhiêu vào việc gia quyền bằng nhau cho 8 lĩnh vực (độ vững);
7. lập kế hoạch: mức thay đổi mà một cuộc khảo sát có thể phát hiện, và cỡ mẫu cần cho mỗi đơn vị
   (số xã, quyết định bậc tự do của thiết kế, và số người trả lời).

Mọi con số dưới đây đều do một hàm của `dgi_stats` tính: notebook chỉ chứa lời giải thích và các
lệnh gọi. Chạy bằng `dgi-stats report @YEAR@ --lang vi` (HTML, `summary.json` và hình trong
`reports/@YEAR@/`), hoặc mở trong Jupyter và chạy tất cả các ô.

**Dữ liệu.** Nếu không đặt `data_path`, cuộc khảo sát là **dữ liệu mô phỏng (TỔNG HỢP,
SYNTHETIC)** đi kèm dgi_stats: những người trả lời được mô phỏng sao cho điểm thực của họ tái tạo
mọi số liệu DGI đã công bố (phần còn lại là giả định). Vi dữ liệu của DGI không được công khai. Mọi
kết quả tính từ dữ liệu mô phỏng chỉ minh họa phương pháp. Đó không phải là kết quả DGI.

### Chạy báo cáo này trên dữ liệu chính thức

1. Xuất dữ liệu khảo sát, mỗi dòng một người trả lời, với các cột của bộ dữ liệu đi kèm:
   `district` (tên đơn vị; các cách viết như "TP Uông Bí" hay "uong bi" đều được nhận ra),
   `commune_id` (đơn vị mẫu cấp 1), `village_id`, `design_weight` (có thể thêm `nr_weight`, trọng
   số đã điều chỉnh cho việc không trả lời, được dùng khi có), `sex`, `age_group`, `ethnicity` và
   các câu hỏi `q...` của bảng đặc tả năm đó (liệt kê bằng
   `dgi_stats.datasets.load_spec(@YEAR@).item_ids`). Đọc được CSV (UTF-8), Parquet, SPSS `.sav` và
   Stata `.dta`. Kiểm tra tệp bằng `dgi-stats validate survey.csv --year @YEAR@`.
2. Bảng đặc tả đi kèm dùng 8 lĩnh vực chính thức với một bảng hỏi minh họa, vì phụ lục chỉ tiêu
   chính thức (Quyết định 3447/QĐ-UBND) không được công khai. Để dùng định nghĩa chính thức, sửa tệp
   TOML `dgi_stats/datasets/specs/dgi_@YEAR@.toml` (không cần sửa mã).
3. Để điều chỉnh trọng số theo biên (raking), cung cấp số người trưởng thành của tổng thể theo
   huyện × giới tính × nhóm tuổi × dân tộc (các cột `district`, `sex`, `age_group`, `ethnicity`,
   `adults`) làm `margins_path`. Nếu không có, trọng số trong tệp được dùng nguyên như vậy.
4. Chạy `dgi-stats report @YEAR@ --data survey.csv --margins margins.csv --out reports/@YEAR@-official --lang vi`
   (phần thay đổi cần thêm năm trước: `--previous-data`, `--previous-margins`).
""",
    "published": """
## 1. Số liệu đã công bố năm @YEAR@

DGI công bố thứ hạng và một số điểm mỗi năm trên báo chí của tỉnh. Đây là các số liệu đã công bố
của năm @YEAR@ và @PREV@ đi kèm dgi_stats (`load_published()`), mỗi số liệu kèm nguồn; số liệu
không tìm thấy trong các nguồn công khai thì không có (một dòng KHÔNG TÌM THẤY đánh dấu một chỗ
thiếu đã biết). Bảng tiếp theo kiểm tra phép tính của chỉ số trên các số liệu đó: tổng điểm là tổng
điểm của 8 lĩnh vực, và chỉ số tổng hợp là tổng điểm tính theo % của 80.
""",
    "design": """
## 2. Dữ liệu và thiết kế mẫu

Cuộc khảo sát được phân tích đúng như cách mẫu được chọn: mỗi đơn vị là một tầng, trong đó các xã
được chọn với xác suất tỷ lệ với quy mô, các thôn trong xã, người trưởng thành trong thôn. Một xã
được chọn chắc chắn (một xã lớn của một đơn vị nhỏ) không phải là một mẫu các xã: nó được tách
thành một tầng riêng, trong đó các thôn là đơn vị mẫu cấp 1, và hệ số hiệu chỉnh tổng thể hữu hạn
lấy từ dàn mẫu (số xã mỗi đơn vị, số thôn mỗi xã, số người trưởng thành mỗi thôn), như gói `survey`
của R khuyến nghị. Một tệp khảo sát không có các cột dàn mẫu được phân tích như thể các xã được
chọn có hoàn lại, làm phóng đại sai số chuẩn. Trọng số là nghịch đảo của xác suất chọn, đã điều
chỉnh cho việc đơn vị không trả lời. Phụ nữ và người lớn tuổi trả lời nhiều hơn những người khác,
nên trọng số sau đó được **điều chỉnh theo biên (raking)** về số người trưởng thành của tổng thể
theo đơn vị × giới tính × nhóm tuổi và theo đơn vị × dân tộc. Phương sai được tính bằng tuyến tính
hóa Taylor, có tính đến bước raking (như gói `survey` của R), trừ khi `variance` chọn cách khác.

**Các mức tin cậy dựa trên điều gì.** Mọi mức tin cậy và tỷ lệ sai lầm trong báo cáo này đều là
xấp xỉ. Chúng đúng khi thiết kế được khai báo là thiết kế thực sự dùng để chọn mẫu (các tầng, xã là
đơn vị mẫu cấp 1, các xã được chọn chắc chắn, tỷ lệ chọn mẫu) và khi trọng số phản ánh được việc
không trả lời. Khi đó khoảng tin cậy và tập thứ hạng dùng giá trị tới hạn theo bậc tự do của thiết
kế của từng đơn vị (số đơn vị mẫu cấp 1 trừ số tầng), không dùng giá trị của phân phối chuẩn; độ
bao phủ của chúng đã được kiểm tra bằng mô phỏng với 2, 5 và 10 bậc tự do. Mẫu của một đơn vị có
đủ hay không phụ thuộc vào số xã, vốn quyết định bậc tự do, chứ không phụ thuộc vào số người trả
lời; với 1 bậc tự do thì không tỷ lệ sai lầm nào đáng tin cậy.
""",
    "sample": """
**Mẫu của từng đơn vị.** Số người trả lời, số xã và số thôn. Tổng trọng số trước và sau khi
raking: sau raking, tổng trọng số bằng dân số trưởng thành của đơn vị. Cỡ mẫu hiệu dụng của Kish,
nhỏ hơn số người trả lời vì trọng số không đều. Hiệu ứng thiết kế do gia quyền. Số xã quan trọng
nhất: nó quyết định bậc tự do của thiết kế của đơn vị, giới hạn mức độ biết chính xác sai số chuẩn,
bất kể số người trả lời.
""",
    "raking": """
**Raking làm gì.** Tỷ lệ phụ nữ và người Kinh (%) trong mẫu, có gia quyền trước raking, có gia
quyền sau raking, và trong tổng thể. Sau raking, các tỷ lệ có gia quyền bằng tỷ lệ của tổng thể.
""",
    "nonresponse": """
**Không trả lời câu hỏi.** Các câu trả lời "không biết", từ chối trả lời và bỏ trống đều được đếm,
không bao giờ bị loại bỏ một cách âm thầm. Giá trị trung bình của mỗi chỉ tiêu được tính trên
những người đã trả lời chỉ tiêu đó. Các chỉ tiêu có nhiều câu trả lời bị thiếu nhất:
""",
    "results": """
## 3. Kết quả: điểm số kèm khoảng tin cậy

Từng lĩnh vực (0–10), tổng điểm (0–80) và chỉ số tổng hợp (%) của từng đơn vị. Mỗi ô ghi ước lượng
và, bên dưới, khoảng tin cậy của nó (`confidence_level`). Khoảng tin cậy dùng phân vị t với bậc tự
do hiệu dụng của từng ước lượng (bậc tự do Satterthwaite, qua các tầng của đơn vị: nhỏ hơn số xã
trừ một khi một tầng chiếm phần lớn phương sai), và được tính trên thang logit của vị trí điểm số
trong thang đo rồi chuyển ngược lại, để luôn nằm trong 0–10, 0–80 và 0–100 (gần mức trần chúng
không đối xứng).
""",
    "truth": """
**Chỉ với dữ liệu mô phỏng (TỔNG HỢP): biết được giá trị thực.** Bộ mô phỏng biết tổng điểm thực
của tổng thể ở mọi đơn vị, nên có thể đối chiếu các khoảng tin cậy với nó. Với dữ liệu thật thì
không thể có bảng này.
""",
    "ranks": """
## 4. Thứ hạng và độ bất định của thứ hạng

Một thứ hạng là một nhận định về cả 13 đơn vị cùng lúc, nên độ bất định của nó phụ thuộc vào sai
số chọn mẫu của mọi đơn vị. **Tập tin cậy của thứ hạng** của một đơn vị là khoảng các thứ hạng mà
dữ liệu không loại trừ được (Mogstad, Romano, Shaikh & Wilhelm, 2024, *Review of Economic
Studies*).

- Tập **riêng lẻ** chứa thứ hạng thực của đơn vị đó với xác suất ít nhất `confidence_level`. Dùng
  khi xem một đơn vị đã chọn từ trước.
- Các tập **đồng thời** chứa mọi thứ hạng thực cùng lúc. Dùng khi đọc cả bảng xếp hạng.

Cả hai mức đều là xấp xỉ, với các điều kiện nêu ở mục 2.

**Các nhóm hiệu quả** gom các đơn vị mà dữ liệu có thể sắp thứ tự. Với độ tin cậy đồng thời
`confidence_level`, mọi đơn vị của một nhóm tốt hơn mọi đơn vị của các nhóm bên dưới. Trong một
nhóm không khẳng định thứ tự nào. Đây là cách thay thế có cơ sở cho việc tô màu theo tứ phân vị của
các ước lượng điểm.

Xác suất xếp thứ 1 (hoặc trong 3 vị trí đầu) được tính từ các lần rút ngẫu nhiên của các ước
lượng. Nó mô tả độ bất định và không phải là một kiểm định.
""",
    "best": """
**Những đơn vị nào có thể là tốt nhất?** Đây là tập các đơn vị mà dữ liệu không loại trừ khỏi
thứ hạng 1, với độ tin cậy `confidence_level` (τ-best với τ = 1).
""",
    "sample_vs_published": """
**Vì sao thứ hạng từ mẫu khác thứ hạng đã công bố.** Thứ hạng trong các bảng trên được ước lượng
từ một mẫu: một cuộc khảo sát khác với cùng thiết kế sẽ cho điểm khác và thường cho thứ hạng khác,
trong phạm vi các tập tin cậy của thứ hạng. Với dữ liệu mô phỏng (TỔNG HỢP), điểm thực của tổng thể
được đặt bằng các số liệu đã công bố, nên mọi khác biệt giữa thứ hạng ước lượng và thứ hạng công
bố là sai số chọn mẫu của cuộc khảo sát mô phỏng, không phải là sai sót của số liệu công bố. Với dữ
liệu thật, bản thân thứ hạng đã công bố cũng chỉ là ước lượng điểm từ một cuộc khảo sát: nó có
cùng loại độ bất định, chỉ là không được công bố kèm theo.
""",
    "change": """
## 5. Thay đổi so với năm @PREV@

Cuộc khảo sát năm @PREV@ được xử lý qua cùng quy trình như năm @YEAR@. Hai năm là hai mẫu độc
lập, nên hiệp phương sai của một thay đổi là tổng hiệp phương sai của hai năm. Với dữ liệu đi kèm,
khảo sát năm @PREV@ là bộ đi kèm; với một tệp khảo sát (`data_path`), đó là tệp khảo sát năm @PREV@
được cho bởi `previous_data_path` (`--previous-data`). Nếu không có, mục này nói rõ và không tính
gì: một tệp khảo sát không bao giờ được so sánh với dữ liệu mô phỏng (TỔNG HỢP) đi kèm.

Với mỗi đơn vị, kiểm định cho biết:

- thay đổi điểm kèm khoảng tin cậy, và giá trị p của nó (hiệu chỉnh Holm qua 13 đơn vị);
- thứ hạng trong hai năm;
- cận tin cậy dưới và cận tin cậy trên của số bậc tăng. Hai cận tạo thành một khoảng ở mức
  `confidence_level`, đồng thời cho mọi đơn vị, nên vẫn đúng cho các đơn vị "thay đổi" được chọn ra
  sau khi xem bảng: xác suất có bất kỳ nhận định sai "tăng" hay "giảm" nào trong cả bảng tối đa là
  1 − `confidence_level` (xấp xỉ, với các điều kiện của mục 2). Chỉ khẳng định một lần tăng hạng
  khi cận dưới ít nhất là 1, và một lần giảm hạng khi cận trên nhiều nhất là −1.
""",
    "uong_bi": """
### Việc Uông Bí tăng từ thứ 6 lên thứ 1 như đã công bố có thật không?

Nhận định đã công bố là về một đơn vị được **chỉ định từ trước**, nên áp dụng kiểm định cho một đơn
vị. Nó có lực kiểm định cao hơn kiểm định cho mọi đơn vị ở trên. Câu trả lời gồm ba phần: thay đổi
điểm (kèm khoảng tin cậy), thay đổi thứ hạng (kèm cận tin cậy dưới một phía ở mức
`confidence_level` của số bậc tăng, không phải là một đầu mút của khoảng ở mức đó) và, để tham
chiếu, các thứ hạng đã công bố.
""",
    "no_change": """
## 5. Thay đổi so với năm trước

@YEAR@ là năm đầu tiên của chuỗi DGI trong dgi_stats, nên không có cuộc khảo sát nào trước đó để
so sánh.
""",
    "robust": """
## 6. Độ vững: thứ hạng phụ thuộc bao nhiêu vào trọng số?

DGI cộng 8 lĩnh vực với trọng số bằng nhau. Dưới đây, thứ hạng được tính lại theo các cách gia
quyền khác: trọng số từ phân tích nhân tố, "lợi ích của nghi ngờ" (benefit of the doubt: trọng số
có lợi nhất cho từng đơn vị) và tổng hợp theo trung bình nhân. Tiếp theo là một **phân tích độ bất
định** kết hợp, rút ngẫu nhiên trọng số (nhiễu ±25 % quanh trọng số bằng nhau), cách tổng hợp và sai
số chọn mẫu của khảo sát cùng lúc trong một mô phỏng Monte Carlo. Nó cho thứ hạng trung vị của mỗi
đơn vị kèm dải 5–95 % (phân vị thứ 5 đến thứ 95 của thứ hạng qua các lần chạy: một dải mô tả chứa
90 % số lần chạy ở giữa, không phải tập tin cậy). Các chỉ số độ nhạy Sobol cho biết lựa chọn nào
trong số này gây ra sự dịch chuyển thứ hạng.
""",
    "planning": """
## 7. Lập kế hoạch cho cuộc khảo sát tiếp theo

**Mức thay đổi phát hiện được vào năm sau.** Một thay đổi tổng điểm của một đơn vị nhỏ hơn các giá
trị dưới đây nhiều khả năng sẽ bị bỏ sót. Bảng cho mức thay đổi thực nhỏ nhất mà một kiểm định ở
mức 1 − `confidence_level` phát hiện được với lực kiểm định 80 %, nếu khảo sát năm sau có cùng
thiết kế như năm nay. Bảng cũng cho các giá trị với mẫu lớn gấp 2, 4 và 8 lần (cùng thiết kế với
nhiều xã, thôn và người trả lời hơn). Nhiều xã hơn làm tăng bậc tự do của thiết kế; nhiều người trả
lời hơn trong cùng các xã thì không.
""",
    "planning_rise": """
**Thiết kế cần có để phát hiện một lần tăng hạng như của Uông Bí.** Một cuộc khảo sát có thể khẳng
định một lần tăng với quy mô đã công bố không (thay đổi tổng điểm đã công bố của Uông Bí, đưa đơn
vị này từ thứ 6 lên thứ 1)? Khảo sát mô phỏng (TỔNG HỢP) của cả hai năm được mô phỏng lại, mọi đơn
vị được rút mới (không đơn vị nào giữ ở điểm thực), mỗi năm với sai số chuẩn và bậc tự do của thiết
kế riêng, và kiểm định thay đổi thứ hạng được chạy trên từng cặp. Lực kiểm định là tỷ lệ trong 300
cặp mà lần tăng được khẳng định, in kèm sai số chuẩn Monte Carlo. Ô này chạy thiết kế hiện tại; lưới
các thiết kế lớn hơn (nhiều người trả lời hơn mỗi thôn, nhiều xã hơn mỗi đơn vị) là lệnh được mô tả
trong trang phương pháp về lực kiểm định.
""",
    "summary": """
## 8. Tóm tắt

Các con số chính, được ghi vào `summary.json` trong `output_dir`. Tệp này giống hệt nhau ở mọi lần
chạy với cùng hạt giống ngẫu nhiên (seed).
""",
}

EN_NARRATION["sample_vs_published"] = """
**Why the ranks in this report differ from the published ranks.** The ranks in the tables above are
estimated from one sample: another survey of the same design would give other scores and often
other ranks, within the rank confidence sets. With the SYNTHETIC survey, the true population
scores are set to the published figures, so every difference between an estimated rank and a
published rank is the sampling error of the simulated survey, not an error in the published
figures. With real data, the published ranks are themselves point estimates from one survey: they
carry the same kind of uncertainty, only it is not published with them.
"""

NARRATION: dict[str, dict[str, str]] = {"en": EN_NARRATION, "vi": VI_NARRATION}

# Column name -> (English header, Vietnamese header).
HEADERS: dict[str, tuple[str, str]] = {
    "unit": ("Unit", "Đơn vị"),
    "design": ("Design", "Thiết kế"),
    "score_change_point": ("Score change", "Thay đổi điểm"),
    "package": ("Package", "Gói phần mềm"),
    "version": ("Version", "Phiên bản"),
    "role": ("Input", "Đầu vào"),
    "file": ("File", "Tệp"),
    "bytes": ("Size (bytes)", "Dung lượng (byte)"),
    "sha256": ("SHA-256 checksum", "Mã kiểm tra SHA-256"),
    "year": ("Year", "Năm"),
    "measure": ("Measure", "Chỉ số"),
    "value": ("Value", "Giá trị"),
    "rank": ("Rank", "Thứ hạng"),
    "source": ("Source", "Nguồn"),
    "note": ("Note", "Ghi chú"),
    "check": ("Check", "Phép kiểm tra"),
    "computed": ("Computed", "Giá trị tính lại"),
    "published": ("Published", "Giá trị công bố"),
    "agrees": ("Agrees", "Khớp"),
    "respondents": ("Respondents", "Số người trả lời"),
    "communes": ("Communes (PSUs)", "Số xã (đơn vị mẫu cấp 1)"),
    "villages": ("Villages", "Số thôn"),
    "adults": ("Adults (population)", "Số người trưởng thành (tổng thể)"),
    "weight_sum_before": ("Weight total, before raking", "Tổng trọng số, trước raking"),
    "weight_sum_after": ("Weight total, after raking", "Tổng trọng số, sau raking"),
    "effective_n_before": ("Effective sample size, before raking", "Cỡ mẫu hiệu dụng, trước raking"),
    "effective_n_after": ("Effective sample size, after raking", "Cỡ mẫu hiệu dụng, sau raking"),
    "weighting_deff_after": ("Weighting design effect", "Hiệu ứng thiết kế do gia quyền"),
    "female_sample": ("Women %, sample", "Nữ %, mẫu"),
    "female_before": ("Women %, weighted before raking", "Nữ %, gia quyền trước raking"),
    "female_after": ("Women %, weighted after raking", "Nữ %, gia quyền sau raking"),
    "female_population": ("Women %, population", "Nữ %, tổng thể"),
    "kinh_sample": ("Kinh %, sample", "Kinh %, mẫu"),
    "kinh_before": ("Kinh %, weighted before raking", "Kinh %, gia quyền trước raking"),
    "kinh_after": ("Kinh %, weighted after raking", "Kinh %, gia quyền sau raking"),
    "kinh_population": ("Kinh %, population", "Kinh %, tổng thể"),
    "indicator": ("Indicator", "Chỉ tiêu"),
    "item": ("Question", "Câu hỏi"),
    "dont_know": ("Don't know", "Không biết"),
    "refused": ("Refused", "Từ chối"),
    "blank": ("Blank", "Bỏ trống"),
    "not_applicable": ("Not applicable", "Không áp dụng"),
    "answered": ("Answered", "Đã trả lời"),
    "missing_pct": ("Missing %", "Thiếu %"),
    "estimate": ("Estimate", "Ước lượng"),
    "ci_low": ("CI lower bound", "Cận dưới khoảng tin cậy"),
    "ci_high": ("CI upper bound", "Cận trên khoảng tin cậy"),
    "true_total": ("True total", "Tổng điểm thực"),
    "covered": ("Interval covers the truth", "Khoảng tin cậy chứa giá trị thực"),
    "total": ("Total (0–80)", "Tổng điểm (0–80)"),
    "composite": ("Composite (%)", "Chỉ số tổng hợp (%)"),
    "std_error": ("Standard error", "Sai số chuẩn"),
    "marginal_set": ("Marginal rank set", "Tập tin cậy riêng lẻ của thứ hạng"),
    "simultaneous_set": ("Simultaneous rank set", "Tập tin cậy đồng thời của thứ hạng"),
    "p_top_1": ("P(rank 1)", "P(thứ hạng 1)"),
    "p_top_3": ("P(top 3)", "P(trong 3 hạng đầu)"),
    "band": ("Performance band", "Nhóm hiệu quả"),
    "lower": ("Best rank not excluded", "Thứ hạng tốt nhất không bị loại trừ"),
    "in_set": ("Could be 1st", "Có thể đứng thứ 1"),
    "score_before": ("Total, year before", "Tổng điểm, năm trước"),
    "score_after": ("Total, this year", "Tổng điểm, năm nay"),
    "score_change": ("Score change [CI]", "Thay đổi điểm [khoảng tin cậy]"),
    "score_change_pvalue": ("p-value of the score change", "Giá trị p của thay đổi điểm"),
    "score_change_pvalue_holm": ("p-value, Holm-adjusted", "Giá trị p, hiệu chỉnh Holm"),
    "rank_before": ("Rank, year before", "Thứ hạng, năm trước"),
    "rank_after": ("Rank, this year", "Thứ hạng, năm nay"),
    "places_gained": ("Places gained", "Số bậc tăng"),
    "places_gained_bounds": ("Places gained, confidence bounds", "Số bậc tăng, cận tin cậy"),
    "pvalue": ("p-value, rank improved", "Giá trị p, thứ hạng được cải thiện"),
    "verdict": ("Rank change established", "Thay đổi thứ hạng được khẳng định"),
    "nominal": ("Rank, equal weights", "Thứ hạng, trọng số bằng nhau"),
    "mean": ("Mean rank", "Thứ hạng trung bình"),
    "median": ("Median rank", "Thứ hạng trung vị"),
    "band_5_95": ("5–95 % band", "Dải 5–95 %"),
    "nominal_score": ("Composite score, equal weights", "Điểm tổng hợp, trọng số bằng nhau"),
    "sample_size_factor": ("Sample size (× this year's)", "Cỡ mẫu (× năm nay)"),
    "respondents_per_unit": ("Respondents per unit", "Số người trả lời mỗi đơn vị"),
    "df_per_unit_median": ("Degrees of freedom per unit (median)",
                           "Bậc tự do mỗi đơn vị (trung vị)"),
    "detectable_change_median_unit": ("Detectable change, median unit",
                                      "Thay đổi phát hiện được, đơn vị trung vị"),
    "detectable_change_least_precise_unit": ("Detectable change, least precise unit",
                                             "Thay đổi phát hiện được, đơn vị kém chính xác nhất"),
    "df_after": ("Degrees of freedom", "Bậc tự do"),
    "se_after": ("Standard error", "Sai số chuẩn"),
    "power": ("Power (rise established)", "Lực kiểm định (khẳng định được tăng hạng)"),
    "power_se": ("Monte Carlo SE of the power", "Sai số chuẩn Monte Carlo của lực kiểm định"),
    "power_rank": ("Power, rank bound only", "Lực kiểm định, chỉ cận thứ hạng"),
    "power_score": ("Power, score change only", "Lực kiểm định, chỉ thay đổi điểm"),
    "total_ci": ("Total [CI]", "Tổng điểm [khoảng tin cậy]"),
    "rank_set_marginal": ("Marginal rank set", "Tập tin cậy riêng lẻ của thứ hạng"),
    "rank_set_simultaneous": ("Simultaneous rank set", "Tập tin cậy đồng thời của thứ hạng"),
    "p_rank_1": ("P(rank 1)", "P(thứ hạng 1)"),
    "robust_rank_5_95": ("Rank band 5–95 % (robustness)", "Dải thứ hạng 5–95 % (độ vững)"),
}

# Column name -> (English, Vietnamese) explanation, printed under the table that shows it.
NOTES: dict[str, tuple[str, str]] = {
    "sha256": ("a fingerprint of the file: the same file always gives the same checksum.",
               "dấu vân tay của tệp: cùng một tệp luôn cho cùng một mã."),
    "agrees": ("the computed value, rounded as published, equals the published value.",
               "giá trị tính lại, làm tròn như khi công bố, bằng giá trị công bố."),
    "communes": (("primary sampling units; their number minus the number of strata gives the unit's "
                 "design degrees of freedom."),
                 "đơn vị mẫu cấp 1; số xã trừ số tầng là bậc tự do của thiết kế của đơn vị."),
    "weight_sum_after": ("after raking it equals the unit's adult population.",
                         "sau raking, tổng trọng số bằng dân số trưởng thành của đơn vị."),
    "effective_n_after": (("Kish's effective sample size: the number of respondents that equal "
                          "weights would need for the same precision."),
                          ("cỡ mẫu hiệu dụng của Kish: số người trả lời cần có với trọng số bằng "
                          "nhau để đạt cùng độ chính xác.")),
    "weighting_deff_after": (("the variance inflation due to unequal weights (1 + squared "
                             "coefficient of variation of the weights)."),
                             ("mức tăng phương sai do trọng số không đều (1 + bình phương hệ số "
                             "biến thiên của trọng số).")),
    "missing_pct": ("don't know + refused + blank, in % of the respondents asked.",
                    "không biết + từ chối + bỏ trống, theo % số người được hỏi."),
    "covered": ("whether the confidence interval contains the true population total.",
                "khoảng tin cậy có chứa tổng điểm thực của tổng thể hay không."),
    "std_error": ("standard error of the estimated total (design-based).",
                  "sai số chuẩn của tổng điểm ước lượng (theo thiết kế mẫu)."),
    "marginal_set": ("ranks not excluded for this unit alone, at the confidence level.",
                     "các thứ hạng không bị loại trừ cho riêng đơn vị này, ở mức tin cậy đã chọn."),
    "simultaneous_set": ("ranks not excluded when all units are read together.",
                         "các thứ hạng không bị loại trừ khi đọc tất cả các đơn vị cùng lúc."),
    "p_top_1": ("share of draws of the estimates in which the unit ranks 1st (descriptive, not a test).",
                "tỷ lệ các lần rút ước lượng mà đơn vị đứng thứ 1 (mô tả, không phải kiểm định)."),
    "p_top_3": ("share of draws in which the unit ranks in the top 3.",
                "tỷ lệ các lần rút mà đơn vị nằm trong 3 hạng đầu."),
    "band": (("units of a band are better than every unit of the bands below it (jointly, at the "
             "confidence level); no order is claimed within a band."),
             ("các đơn vị của một nhóm tốt hơn mọi đơn vị của các nhóm bên dưới (đồng thời, ở mức "
             "tin cậy đã chọn); trong một nhóm không khẳng định thứ tự.")),
    "in_set": ("the data cannot exclude that the unit is the best (rank 1).",
               "dữ liệu không loại trừ được khả năng đơn vị là tốt nhất (thứ hạng 1)."),
    "score_change": ("change of the total between the two years, with its confidence interval.",
                     "thay đổi tổng điểm giữa hai năm, kèm khoảng tin cậy."),
    "score_change_pvalue": ("tests that the total did not change.",
                            "kiểm định giả thuyết tổng điểm không thay đổi."),
    "score_change_pvalue_holm": ("the same p-value adjusted for testing 13 units (Holm).",
                                 "cùng giá trị p, hiệu chỉnh cho việc kiểm định 13 đơn vị (Holm)."),
    "places_gained_bounds": (("simultaneous confidence bounds on places gained: a rise is established "
                             "when the lower bound is at least 1, a fall when the upper bound is at "
                             "most −1."),
                             ("cận tin cậy đồng thời của số bậc tăng: khẳng định tăng hạng khi cận "
                             "dưới ít nhất là 1, giảm hạng khi cận trên nhiều nhất là −1.")),
    "pvalue": (("tests the hypothesis that the unit's rank did not improve (one-sided); small values "
               "support a rise."),
               ("kiểm định giả thuyết thứ hạng của đơn vị không được cải thiện (một phía); giá trị nhỏ "
               "ủng hộ việc tăng hạng.")),
    "band_5_95": ("5th to 95th percentile of the rank over the runs: descriptive, not a confidence set.",
                  ("phân vị thứ 5 đến thứ 95 của thứ hạng qua các lần chạy: mô tả, không phải tập "
                  "tin cậy.")),
    "detectable_change_median_unit": (("smallest true change of the total that a test detects with "
                                      "80 % power."),
                                      ("thay đổi thực nhỏ nhất của tổng điểm mà kiểm định phát hiện "
                                      "được với lực kiểm định 80 %.")),
    "power": ("share of simulated pairs of surveys in which the rise is established.",
              "tỷ lệ các cặp khảo sát mô phỏng mà việc tăng hạng được khẳng định."),
    "robust_rank_5_95": ("from the uncertainty analysis of section 6.",
                         "từ phân tích độ bất định ở mục 6."),
}

# Short texts: key -> (English, Vietnamese).
PHRASES: dict[str, tuple[str, str]] = {
    "yes": ("yes", "có"),
    "no": ("no", "không"),
    "not_used": ("not used", "không dùng"),
    "missing": ("–", "–"),
    "notes": ("Columns", "Giải thích các cột"),
    "banner_synthetic": (
        ("SYNTHETIC DATA: this {what} was simulated by dgi_stats, so that its true scores reproduce "
        "the published DGI figures (every other true score is invented). It is not the DGI's "
        "microdata, which are not public. The estimates illustrate the methods and must not be "
        "cited as DGI results; only the published figures of section 1 are real."),
        ("DỮ LIỆU MÔ PHỎNG (TỔNG HỢP, SYNTHETIC): {what} này do dgi_stats mô phỏng, sao cho điểm thực "
        "tái tạo các số liệu DGI đã công bố (mọi điểm thực khác là giả định). Đây không phải vi dữ "
        "liệu của DGI, vốn không được công khai. Các ước lượng chỉ minh họa phương pháp và không được "
        "trích dẫn như kết quả DGI; chỉ các số liệu đã công bố ở mục 1 là thật."),
    ),
    "banner_file": ("Data: the {what} file given as data_path (see the provenance table).",
                    "Dữ liệu: tệp {what} được cho bởi data_path (xem bảng nguồn gốc dữ liệu)."),
    "survey": ("survey", "cuộc khảo sát"),
    "synthetic_title": ("SYNTHETIC data: illustration, not DGI results",
                        "Dữ liệu mô phỏng (TỔNG HỢP): minh họa, không phải kết quả DGI"),
    "analysis": (
        "**Survey analysed:** {year}, {data}; {n} respondents in {units} units; weights {raked}.",
        ("**Khảo sát được phân tích:** năm {year}, {data}; {n} người trả lời ở {units} đơn vị; "
        "trọng số {raked}."),
    ),
    "analysis_synthetic": ("the bundled SYNTHETIC survey", "dữ liệu mô phỏng (TỔNG HỢP) đi kèm"),
    "analysis_file": ("the survey file", "tệp khảo sát"),
    "raked": ("raked to the population margins", "đã điều chỉnh theo biên (raking) về tổng thể"),
    "not_raked": ("as given in the file (no raking)", "giữ nguyên như trong tệp (không raking)"),
    "sensitivity_note": (
        "Sobol indices are Monte Carlo estimates; the bars show their {level:.0%} bootstrap intervals.",
        ("Các chỉ số Sobol là ước lượng Monte Carlo; các vạch cho khoảng bootstrap {level:.0%} của "
        "chúng."),
    ),
}

# Figure titles: key -> (English, Vietnamese); fields {year}, {prev}, {level}.
FIGURE_TITLES: dict[str, tuple[str, str]] = {
    "total_scores": ("DGI {year}: total score with {level:.0%} CI",
                     "DGI {year}: tổng điểm với khoảng tin cậy {level:.0%}"),
    "dimension_heatmap": ("DGI {year}: dimension scores", "DGI {year}: điểm các lĩnh vực"),
    "dimension_profile": ("DGI {year}: dimension profiles with {level:.0%} CIs",
                          "DGI {year}: hồ sơ các lĩnh vực với khoảng tin cậy {level:.0%}"),
    "rank_sets": ("DGI {year}: {level:.0%} confidence sets for ranks",
                  "DGI {year}: tập tin cậy {level:.0%} của thứ hạng"),
    "rank_change": ("DGI ranks {prev} → {year}: significant changes solid",
                    "Thứ hạng DGI {prev} → {year}: thay đổi có ý nghĩa vẽ nét liền"),
    "uncertainty_bands": ("DGI {year}: rank bands over weights, aggregation, sampling",
                          "DGI {year}: dải thứ hạng theo trọng số, cách tổng hợp, chọn mẫu"),
    "sensitivity": ("Sobol indices of the mean absolute rank shift",
                    "Chỉ số Sobol của mức dịch chuyển thứ hạng tuyệt đối trung bình"),
}

# Text alternatives of the figures: name -> (English, Vietnamese).
FIGURE_ALT: dict[str, tuple[str, str]] = {
    "total_scores": ("Dot plot of each unit's estimated total score with its confidence interval.",
                     "Biểu đồ điểm: tổng điểm ước lượng của từng đơn vị kèm khoảng tin cậy."),
    "dimension_heatmap": ("Heat map of the 8 dimension scores of every unit.",
                          "Bản đồ nhiệt điểm 8 lĩnh vực của từng đơn vị."),
    "dimension_profile": (("Dimension profiles of the units looked at closely, with confidence "
                          "intervals."),
                          "Hồ sơ các lĩnh vực của các đơn vị được xem xét kỹ, kèm khoảng tin cậy."),
    "rank_sets": ("Each unit's observed rank with its marginal and simultaneous rank confidence sets.",
                  ("Thứ hạng quan sát của từng đơn vị với tập tin cậy riêng lẻ và đồng thời của thứ "
                  "hạng.")),
    "rank_change": ("Ranks of the two years joined by lines; significant changes drawn solid.",
                    "Thứ hạng của hai năm nối bằng đường; thay đổi có ý nghĩa vẽ nét liền."),
    "uncertainty_bands": (("Each unit's nominal and median rank with its 5–95 % band over the "
                          "Monte Carlo runs."),
                          ("Thứ hạng danh nghĩa và trung vị của từng đơn vị với dải 5–95 % qua các "
                          "lần chạy Monte Carlo.")),
    "sensitivity": (("Bar chart of the first-order and total-order Sobol indices of each factor, "
                    "with Monte Carlo intervals."),
                    ("Biểu đồ cột các chỉ số Sobol bậc một và toàn phần của từng yếu tố, kèm khoảng "
                    "Monte Carlo.")),
}

# Texts drawn inside figures (labels, legends, factor names): English -> Vietnamese.
FIGURE_VI: dict[str, str] = {
    "rank (1 = highest score)": "thứ hạng (1 = điểm cao nhất)",
    "observed rank": "thứ hạng quan sát",
    "marginal set": "tập riêng lẻ",
    "simultaneous set": "tập đồng thời",
    "confidence interval": "khoảng tin cậy",
    "estimate": "ước lượng",
    "total": "tổng điểm",
    "composite": "chỉ số tổng hợp",
    "significant change": "thay đổi có ý nghĩa",
    "not significant": "không có ý nghĩa",
    "5–95 % band": "dải 5–95 %",
    "nominal rank": "thứ hạng danh nghĩa",
    "median rank": "thứ hạng trung vị",
    "rank": "thứ hạng",
    "score": "điểm",
    "score (0–10)": "điểm (0–10)",
    "first order $S_i$": "bậc một $S_i$",
    "interactions $S_{Ti} - S_i$": "tương tác $S_{Ti} - S_i$",
    "total order $S_{Ti}$": "toàn phần $S_{Ti}$",
    "Sobol index": "chỉ số Sobol",
    "sampling": "chọn mẫu",
    "weights": "trọng số",
    "aggregation": "cách tổng hợp",
    "dimension": "lĩnh vực",
    "unit": "đơn vị",
    "Monte Carlo interval of $S_i$": "khoảng Monte Carlo của $S_i$",
    "Monte Carlo interval of $S_{Ti}$": "khoảng Monte Carlo của $S_{Ti}$",
    "Note: S_i > S_Ti for: ": "Ghi chú: S_i > S_Ti với: ",
    "Monte Carlo error: see the intervals (a larger n_base narrows them).": (
        "Sai số Monte Carlo: xem các khoảng (n_base lớn hơn làm chúng hẹp lại)."
    ),
    "Monte Carlo error: a larger n_base or bootstrap intervals show it.": (
        "Sai số Monte Carlo: n_base lớn hơn hoặc khoảng bootstrap cho thấy điều đó."
    ),
}

# Scenario parts (scheme / aggregation): English -> Vietnamese.
SCENARIO_EN: dict[str, str] = {"bod": "each unit's most favourable weights"}
SCENARIO_VI: dict[str, str] = {
    "bod": "trọng số có lợi nhất cho từng đơn vị",
    "equal": "trọng số bằng nhau",
    "factor analysis": "phân tích nhân tố",
    "benefit of the doubt": "lợi ích của nghi ngờ",
    "arithmetic": "trung bình cộng",
    "geometric": "trung bình nhân",
}

# Published measures: name -> (English, Vietnamese).
PUBLISHED_MEASURES: dict[str, tuple[str, str]] = {
    "rank": ("rank", "thứ hạng"),
    "rank_change": ("rank change (places gained)", "thay đổi thứ hạng (số bậc tăng)"),
    "total": ("total score", "tổng điểm"),
    "composite": ("composite index (%)", "chỉ số tổng hợp (%)"),
    "mean_total": ("mean total of the units", "tổng điểm trung bình của các đơn vị"),
    "mean_composite": ("mean composite of the units (%)",
                       "chỉ số tổng hợp trung bình của các đơn vị (%)"),
    "mean_total_change": ("change of the mean total", "thay đổi của tổng điểm trung bình"),
    "dimensions_above_mean": ("dimensions above the provincial mean",
                              "số lĩnh vực cao hơn mức trung bình của tỉnh"),
}

# Short dimension labels of the figures ("D1" ... "D8"): number -> Vietnamese.
DIMENSION_SHORT_VI: dict[str, str] = {
    "1": "Tham gia",
    "2": "Công khai,\nminh bạch",
    "3": "Trách nhiệm\ngiải trình",
    "4": "Kiểm soát\ntham nhũng",
    "5": "Thủ tục\nhành chính",
    "6": "Dịch vụ\ncông",
    "7": "Môi trường",
    "8": "Quản trị\nđiện tử",
}

# Provenance roles in English.
VALUES_EN: dict[str, str] = {
    "previous_survey": "survey of the year before",
    "previous_margins": "margins of the year before",
}

# Provenance roles and other cell values: English -> Vietnamese.
VALUES_VI: dict[str, str] = {
    "survey": "khảo sát",
    "margins": "biên tổng thể",
    "previous_survey": "khảo sát năm trước",
    "previous_margins": "biên tổng thể năm trước",
    "not used": "không dùng",
    # notes of the bundled published figures
    "% (68.93 / 80 x 100 = 86.1625, printed 86.16)": "% (68,93 / 80 x 100 = 86,1625, in là 86,16)",
    "1st of 13": "thứ 1/13",
    "NOT FOUND: the unit ranked 1st in 2022 (results announced 19/5/2023) was not found in public "
    "sources; unit and value left empty": (
        "KHÔNG TÌM THẤY: đơn vị xếp thứ 1 năm 2022 (kết quả công bố ngày 19/5/2023) không tìm thấy "
        "trong các nguồn công khai; đơn vị và giá trị để trống"
    ),
    "all 8 dimensions above the provincial average rate of satisfaction": (
        "cả 8 lĩnh vực cao hơn tỷ lệ hài lòng trung bình của tỉnh"
    ),
    "change of the 13-unit mean total on 2020, points": (
        "thay đổi tổng điểm trung bình của 13 đơn vị so với năm 2020, điểm"
    ),
    "chỉ số tổng hợp, % (total / 80 x 100)": "chỉ số tổng hợp, % (tổng điểm / 80 x 100)",
    "dimension score out of 10": "điểm lĩnh vực, tối đa 10",
    "implied by 'up 5 ranks' to 1st in 2021; not stated directly": (
        "suy ra từ 'tăng 5 bậc' lên thứ 1 năm 2021; không được nêu trực tiếp"
    ),
    "mean composite of the 13 units, % (72.7 / 80 x 100 = 90.875, printed 90.9)": (
        "chỉ số tổng hợp trung bình của 13 đơn vị, % (72,7 / 80 x 100 = 90,875, in là 90,9)"
    ),
    "mean total of the 13 units, out of 80": "tổng điểm trung bình của 13 đơn vị, tối đa 80",
    "out of 80": "tối đa 80",
    "up 5 ranks from 2020 (positive = moved up)": "tăng 5 bậc so với năm 2020 (dương = tăng hạng)",
    "điểm xã hội học: sum of the 8 dimension scores, out of 80": (
        "điểm xã hội học: tổng điểm 8 lĩnh vực, tối đa 80"
    ),
}


def check_lang(lang: str) -> str:
    """``lang`` if it is a report language ("en" or "vi"), else a ValueError."""
    if lang not in LANGS:
        msg = f"unknown report language {lang!r}; choose one of {', '.join(LANGS)}."
        raise ValueError(msg)
    return lang


def pick(pair: tuple[str, str], lang: str) -> str:
    """The text of ``lang`` from an (English, Vietnamese) pair."""
    return pair[LANGS.index(check_lang(lang))]


# Sentences of the statements (report.no_previous_year, rank_change_statement,
# planning_statement): key -> (English, Vietnamese), filled with str.format.
STATEMENTS: dict[str, tuple[str, str]] = {
    "how_previous": (
        ("To compare with {prev}, run `dgi-stats report {year} --data <{year} file> "
        "--previous-data <{prev} file>` (and `--previous-margins <{prev} margins>` for raking), "
        "or set `previous_data_path` (`previous_margins_path`) in the notebook's parameters."),
        ("Để so sánh với năm {prev}, chạy `dgi-stats report {year} --data <tệp {year}> "
        "--previous-data <tệp {prev}>` (và `--previous-margins <biên {prev}>` để raking), "
        "hoặc đặt `previous_data_path` (`previous_margins_path`) trong tham số của notebook."),
    ),
    "no_previous_uong_bi": (
        "**No {prev} survey was given**, so Uông Bí's rise cannot be tested here. ",
        "**Không có khảo sát năm {prev}**, nên không thể kiểm định việc tăng hạng của Uông Bí ở đây. ",
    ),
    "no_previous_planning": (
        ("**No {prev} survey was given**, so the power to establish a rise like Uông Bí's is "
        "not computed for this survey. "),
        ("**Không có khảo sát năm {prev}**, nên lực kiểm định để khẳng định một lần tăng hạng như "
        "của Uông Bí không được tính cho cuộc khảo sát này. "),
    ),
    "no_previous_change": (
        ("**No {prev} survey was given.** This report is computed from the survey file of "
        "{year} alone, so it has no change on {prev}: no score changes, no rank-change "
        "test (bundled SYNTHETIC data are never compared with a survey file). "),
        ("**Không có khảo sát năm {prev}.** Báo cáo này chỉ được tính từ tệp khảo sát năm {year}, "
        "nên không có thay đổi so với năm {prev}: không có thay đổi điểm, không có kiểm định thay "
        "đổi thứ hạng (dữ liệu mô phỏng (TỔNG HỢP) đi kèm không bao giờ được so sánh với một tệp "
        "khảo sát). "),
    ),
    "data_synthetic": ("the bundled SYNTHETIC surveys", "các khảo sát mô phỏng (TỔNG HỢP) đi kèm"),
    "data_files": ("the survey files", "các tệp khảo sát"),
    "published_ranks": (
        "**Published:** {unit} ranked {r0} in {y0} and {r1} in {y1} ({d:+d} places).",
        "**Đã công bố:** {unit} xếp thứ {r0} năm {y0} và thứ {r1} năm {y1} ({d:+d} bậc).",
    ),
    "score_line": (
        ("**Score ({data}):** the total went from {a:.2f} to {b:.2f}, a change of {c:+.2f} points "
        "({level} % CI {lo:+.2f} to {hi:+.2f}; {p})."),
        ("**Điểm ({data}):** tổng điểm đi từ {a:.2f} đến {b:.2f}, thay đổi {c:+.2f} điểm (khoảng "
        "tin cậy {level} %: {lo:+.2f} đến {hi:+.2f}; {p})."),
    ),
    "rise_yes": (
        ("a rise is established: {unit} gained at least {lower} place{s} (one-sided {level} % lower "
        "confidence bound)"),
        ("việc tăng hạng được khẳng định: {unit} tăng ít nhất {lower} bậc (cận tin cậy dưới một "
        "phía {level} %)"),
    ),
    "rise_no": (
        ("a rise in rank **cannot be established** at the {alpha} % level: the one-sided {level} % "
        "lower confidence bound on places gained is {lower} (it must be at least 1)"),
        ("việc tăng hạng **không thể khẳng định được** ở mức {alpha} %: cận tin cậy dưới một phía "
        "{level} % của số bậc tăng là {lower} (cần ít nhất là 1)"),
    ),
    "rank_line": (
        ("**Rank ({data}):** {rb} in {y0} → {ra} in {y1} ({g:+d} places); {verdict}; p-value for "
        "\"the rank improved\": {pv:.3f}."),
        ("**Thứ hạng ({data}):** thứ {rb} năm {y0} → thứ {ra} năm {y1} ({g:+d} bậc); {verdict}; "
        "giá trị p cho \"thứ hạng được cải thiện\": {pv:.3f}."),
    ),
    "plan_main": (
        ("A true rise of {delta:.2f} points, which moves {unit} up {places} places, is established "
        "(rank bound >= 1 and score change significant) in {power:.1%} ± {power_se:.1%} (Monte "
        "Carlo SE) of {n} simulated pairs of surveys with the current design (about {resp:.0f} "
        "respondents per unit, {df:.0f} design df for {unit}). The score rise alone is significant "
        "in {power_score:.1%}. **This design {can} detect a 5-place rise of the published size "
        "with {target:.0%} power.**"),
        ("Một lần tăng thực {delta:.2f} điểm, đưa {unit} lên {places} bậc, được khẳng định (cận "
        "thứ hạng >= 1 và thay đổi điểm có ý nghĩa) trong {power:.1%} ± {power_se:.1%} (sai số "
        "chuẩn Monte Carlo) của {n} cặp khảo sát mô phỏng với thiết kế hiện tại (khoảng {resp:.0f} "
        "người trả lời mỗi đơn vị, {df:.0f} bậc tự do của thiết kế cho {unit}). Riêng việc tăng "
        "điểm có ý nghĩa trong {power_score:.1%}. **Thiết kế này {can} phát hiện một lần tăng 5 "
        "bậc với quy mô đã công bố với lực kiểm định {target:.0%}.**"),
    ),
    "can": ("can", "có thể"),
    "cannot": ("cannot", "không thể"),
    "plan_grid_ok": (
        (" On the documented grid (250 pairs per design), the smallest design that reaches "
        "{target:.0%} is {name}: about {n:,.0f} respondents per unit, power {p:.2f} ± {se:.2f}."),
        (" Trên lưới thiết kế được mô tả (250 cặp mỗi thiết kế), thiết kế nhỏ nhất đạt {target:.0%} "
        "là {name}: khoảng {n:,.0f} người trả lời mỗi đơn vị, lực kiểm định {p:.2f} ± {se:.2f}."),
    ),
    "plan_grid_none": (
        (" No design on the documented grid reaches {target:.0%}; the best is {name} with power "
        "{p:.2f} ± {se:.2f}."),
        (" Không thiết kế nào trên lưới được mô tả đạt {target:.0%}; tốt nhất là {name} với lực "
        "kiểm định {p:.2f} ± {se:.2f}."),
    ),
    "plan_required": (
        " Interpolated respondents per unit for {target:.0%} power (± Monte Carlo SE): {parts}.",
        (" Số người trả lời mỗi đơn vị nội suy cho lực kiểm định {target:.0%} (± sai số chuẩn Monte "
        "Carlo): {parts}."),
    ),
    "plan_part": ("{choice}: about {n:,.0f} ± {se:,.0f}", "{choice}: khoảng {n:,.0f} ± {se:,.0f}"),
    "plan_end": (" (Simulated SYNTHETIC surveys.)", " (Các khảo sát mô phỏng, TỔNG HỢP.)"),
}


# Survey designs named in the planning section: (regular expression, Vietnamese replacement),
# applied in order.
DESIGN_VI: tuple[tuple[str, str], ...] = (
    (r"more adults per village", "nhiều người trưởng thành hơn mỗi thôn"),
    (r"more communes", "nhiều xã hơn"),
    (r"every commune", "mọi xã"),
    (r"(\d+) communes \(all of ([^)]*)'s\)", r"\1 xã (toàn bộ xã của \2)"),
    (r"(\d+) communes", r"\1 xã"),
    (r"(\d+) villages", r"\1 thôn"),
    (r"(\d+) adults per village", r"\1 người trưởng thành mỗi thôn"),
    (r"(\d+) adults", r"\1 người trưởng thành"),
    (r"(\d+) per village", r"\1 người mỗi thôn"),
)
