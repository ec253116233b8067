"""The demo consent document in Spanish and Brazilian Portuguese: translations of
data.CONSENT_BODY made with the glossary (docs/translation-glossary.md), awaiting review by a
qualified medical translator, as the clinic's consent page says."""

TITLE_ES = "Consentimiento para la punción seca"
BODY_ES = """\
## Qué es la punción seca

La punción seca es un tratamiento que realiza un fisioterapeuta. Se introduce una aguja maciza \
muy fina a través de la piel hasta un músculo tenso o doloroso, o hasta el tendón, el ligamento \
o el tejido conectivo que lo rodea. Cada aguja es estéril, se usa una sola vez y después se \
desecha. No se inyecta nada: la aguja está "seca", y de ahí viene el nombre.

La punción seca no es acupuntura. La acupuntura proviene de la medicina tradicional china y \
coloca las agujas a lo largo de los meridianos. La punción seca se basa en la anatomía \
occidental y en la evaluación que su fisioterapeuta ha hecho de sus músculos y de su movimiento.

## Por qué se le ofrece y qué puede lograr

Su fisioterapeuta le ofrece la punción seca como una parte de su plan de fisioterapia, por \
ejemplo para el dolor muscular, los puntos gatillo, el dolor de cuello o de la zona lumbar, los \
dolores de cabeza, los esguinces y las distensiones, o la rigidez que limita su movimiento. El \
objetivo es aliviar el dolor, ayudarle a moverse con más libertad y ayudar a que el tejido sane. \
Su fisioterapeuta le explicará qué zonas piensa tratar y por qué.

Muchas personas sienten menos dolor o se mueven con más facilidad después de algunas sesiones, \
pero no se puede prometer ningún resultado. Cuánto ayuda, y durante cuánto tiempo, varía de una \
persona a otra.

## Efectos frecuentes

Suelen ser leves y desaparecen en uno o dos días. De cada 100 tratamientos, aproximadamente:
Moretón donde entró una aguja: unos 8.
Sangrado en el lugar donde entró una aguja (por lo general, una o dos gotas): entre 5 y 16.
Dolor o molestias durante o después del tratamiento: unos pocos; por lo general desaparecen en \
48 horas.
Cansancio, somnolencia, dolor de cabeza o náuseas: poco frecuentes, bastante menos de 1.
Algunas personas sienten que se van a desmayar o se sienten mareadas durante el tratamiento; si \
le ocurre, dígaselo de inmediato a su fisioterapeuta.

## Riesgos poco frecuentes pero graves

Los problemas graves son muy poco frecuentes: en estudios de gran tamaño se encontraron en menos \
de 1 de cada 1.000 tratamientos.

Un neumotórax (pulmón colapsado) puede producirse si una aguja en el tórax o en la parte \
superior de la espalda llega al pulmón. Su fisioterapeuta toma precauciones adicionales en estas \
zonas, y se le pedirá que acepte este riesgo por separado antes de que se traten. Las señales de \
alarma son falta de aire, dolor en el pecho, tos seca o dolor al inhalar. Pueden empezar horas \
después del tratamiento. Si nota cualquiera de ellas, busque atención médica de inmediato (en \
una emergencia, llame al 911) y avise a la clínica.

Otros riesgos poco frecuentes son la irritación o lesión de un nervio (entumecimiento, hormigueo \
o debilidad), una infección en el lugar donde entró una aguja, la rotura de una aguja y la \
perforación de un vaso sanguíneo o de un órgano.

## Otras opciones

Usted no tiene que recibir la punción seca. Otros tratamientos incluyen la terapia manual, el \
ejercicio, los estiramientos, el calor o el frío, y consejos sobre la actividad y la postura. Su \
fisioterapeuta puede hablar de ellos con usted.

## Estimulación eléctrica

A veces se hace pasar una pequeña corriente eléctrica entre dos agujas. Su fisioterapeuta le \
preguntará antes de usarla. No se usa si usted tiene un marcapasos, un desfibrilador u otro \
dispositivo electrónico implantado, o una epilepsia que no está controlada.

## Su parte

Confirmo que las respuestas que di en el cuestionario de seguridad son verdaderas y completas, \
según mi leal saber y entender. Antes de cada tratamiento, le diré a mi fisioterapeuta si algo \
ha cambiado, como un medicamento nuevo, un embarazo, una enfermedad o una operación.

He tenido la oportunidad de hacer preguntas, y se han respondido a mi satisfacción.

Entiendo que puedo rechazar la punción seca, o pedirle a mi fisioterapeuta que se detenga en \
cualquier momento, sin que esto afecte al resto de mi atención.

## Quién realiza el tratamiento

La punción seca solo la realiza un fisioterapeuta con licencia que ha completado la formación y \
la certificación en punción seca. Su fisioterapeuta añade su firma a este formulario, con su \
nombre y sus títulos, y usted puede pedir ver su certificado.

Este consentimiento cubre una serie de visitas. Se le pedirá que firme de nuevo si cambia el \
plan de tratamiento, antes de un primer tratamiento del tórax o de la parte superior de la \
espalda, si cambia su salud o cuando se actualice este formulario.
"""

TITLE_PT_BR = "Consentimento para agulhamento a seco"
BODY_PT_BR = """\
## O que é o agulhamento a seco

O agulhamento a seco é um tratamento feito por um fisioterapeuta. Uma agulha maciça muito fina é \
introduzida através da pele até um músculo tenso ou dolorido, ou até o tendão, o ligamento ou o \
tecido conjuntivo ao redor dele. Cada agulha é estéril, usada uma única vez e depois descartada. \
Nada é injetado: a agulha é "seca", e é daí que vem o nome.

O agulhamento a seco não é acupuntura. A acupuntura vem da medicina tradicional chinesa e coloca \
as agulhas ao longo dos meridianos. O agulhamento a seco se baseia na anatomia ocidental e na \
avaliação que o seu fisioterapeuta fez dos seus músculos e dos seus movimentos.

## Por que ele é oferecido e o que pode fazer

O seu fisioterapeuta oferece o agulhamento a seco como uma parte do seu plano de fisioterapia, \
por exemplo para dor muscular, pontos-gatilho, dor no pescoço ou na região lombar, dores de \
cabeça, entorses e distensões, ou rigidez que limita os seus movimentos. O objetivo é aliviar a \
dor, ajudar você a se movimentar com mais liberdade e ajudar o tecido a se recuperar. O seu \
fisioterapeuta vai explicar quais áreas pretende tratar e por quê.

Muitas pessoas sentem menos dor ou se movimentam com mais facilidade depois de algumas sessões, \
mas nenhum resultado pode ser prometido. O quanto ele ajuda, e por quanto tempo, varia de pessoa \
para pessoa.

## Efeitos comuns

Costumam ser leves e passam em um ou dois dias. A cada 100 tratamentos, aproximadamente:
Hematoma (mancha roxa) onde uma agulha entrou: cerca de 8.
Sangramento no local onde uma agulha entrou (geralmente uma ou duas gotas): entre 5 e 16.
Dor ou sensibilidade durante ou após o tratamento: alguns; geralmente passa em até 48 horas.
Cansaço, sonolência, dor de cabeça ou enjoo: raros, bem menos de 1.
Algumas pessoas sentem que vão desmaiar ou sentem tontura durante o tratamento; se isso \
acontecer com você, avise o seu fisioterapeuta na mesma hora.

## Riscos raros, mas graves

Problemas graves são muito raros: grandes estudos encontraram menos de 1 a cada 1.000 \
tratamentos.

Um pneumotórax (pulmão colapsado) pode acontecer se uma agulha no tórax ou na parte superior das \
costas atingir o pulmão. O seu fisioterapeuta toma cuidado extra nessas áreas, e a clínica vai \
pedir que você aceite esse risco separadamente antes que elas sejam tratadas. Os sinais de \
alerta são falta de ar, dor no peito, tosse seca ou dor ao inspirar. Eles podem começar horas \
depois do tratamento. Se você notar qualquer um deles, procure atendimento médico imediatamente \
(em uma emergência, ligue para o 911) e avise a clínica.

Outros riscos raros são irritação ou lesão de um nervo (dormência, formigamento ou fraqueza), \
infecção no local onde uma agulha entrou, quebra de uma agulha e perfuração de um vaso sanguíneo \
ou de um órgão.

## Outras opções

O agulhamento a seco não é obrigatório. Outros tratamentos incluem terapia manual, exercícios, \
alongamentos, calor ou frio, e orientações sobre atividade e postura. O seu fisioterapeuta pode \
conversar com você sobre eles.

## Estimulação elétrica

Às vezes, uma pequena corrente elétrica é passada entre duas agulhas. O seu fisioterapeuta vai \
perguntar antes de usá-la. Ela não é usada se você tiver marca-passo, desfibrilador ou outro \
dispositivo eletrônico implantado, ou epilepsia que não esteja controlada.

## A sua parte

Confirmo que as respostas que dei no questionário de segurança são verdadeiras e completas, até \
onde sei. Antes de cada tratamento, vou informar o meu fisioterapeuta se algo tiver mudado, como \
um remédio novo, uma gravidez, uma doença ou uma cirurgia.

Tive a oportunidade de fazer perguntas, e elas foram respondidas de forma satisfatória.

Entendo que posso recusar o agulhamento a seco, ou pedir ao meu fisioterapeuta que pare a \
qualquer momento, sem que isso afete o restante do meu atendimento.

## Quem faz o tratamento

O agulhamento a seco é feito somente por um fisioterapeuta habilitado que concluiu a formação e \
a certificação em agulhamento a seco. O seu fisioterapeuta acrescenta a assinatura a este \
formulário, com o nome e as qualificações profissionais, e você pode pedir para ver o \
certificado.

Este consentimento abrange uma série de consultas. Você vai precisar assinar de novo se o plano \
de tratamento mudar, antes de um primeiro tratamento no tórax ou na parte superior das costas, \
se a sua saúde mudar ou quando este formulário for atualizado.
"""

CONSENT_TRANSLATIONS: dict[str, tuple[str, str]] = {
    "es": (TITLE_ES, BODY_ES),
    "pt-br": (TITLE_PT_BR, BODY_PT_BR),
}
